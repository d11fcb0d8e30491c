"""--engine dask on real clusters: a LocalCluster of 2 worker processes (TLS only, geo's own credentials), and a
TLS-secured `dask scheduler` with two `dask worker` processes on 127.0.0.1 (one of them killed with SIGKILL mid-run). Each worker loads spaCy once
(~2-3 s), so these tests take ~30-60 s together."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from batch_util import (ROOT, articles, by_document, env, geo, part_lines, permission_checked,
                        write_folder, write_jsonl)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """36 documents: 12 text files and a .jsonl.gz of 24 articles; the one-process reference output."""
    tmp = tmp_path_factory.mktemp("dask-corpus")
    arts = articles(36)
    folder = write_folder(tmp / "files", arts[:12])
    gz = write_jsonl(tmp / "wire.jsonl.gz", arts[12:], gz=True)
    inputs = [str(folder), str(gz)]
    one = geo("extract", *inputs, "--offline", "-q")
    assert one.returncode == 0, one.stderr
    reference = one.stdout.splitlines(keepends=True)
    assert len(reference) == 36
    return tmp, inputs, reference


def _same_as_one_process(out: Path, reference: list[str]) -> list[str]:
    lines = part_lines(out)
    assert len(lines) == len(reference)
    # the same bytes, document by document (and here even in the same order)
    assert by_document(lines) == by_document(reference)
    assert lines == reference
    return lines


def test_local_cluster_gives_the_same_mentions_as_one_process(corpus):
    tmp, inputs, reference = corpus
    out = tmp / "local-cluster"
    proc = geo("extract", *inputs, "--offline", "--engine", "dask", "--workers", 2, "--partition-size", 4,
               "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "9 partitions" in proc.stderr and "on 2 workers" in proc.stderr
    _same_as_one_process(out, reference)
    man = json.loads((out / "_geo_run.json").read_text())
    assert man["complete"] and man["totals"]["docs"] == 36 and man["totals"]["ran"] == 9
    workers = man["workers"]
    assert len(workers) == 2 and sum(w["partitions"] for w in workers.values()) == 9
    assert all(w["pipeline_loads"] == 1 for w in workers.values())  # loaded once per worker, not per task


def make_tls_files(folder: Path) -> dict:
    """A private CA and two certificates signed by it (the cluster's, the client's): docs/scale.md's openssl
    commands (without openssl: the same files from Dask's own temporary credentials)."""
    folder.mkdir(parents=True, exist_ok=True)
    if shutil.which("openssl") is None:
        from distributed.security import Security

        sec = Security.temporary()
        (folder / "ca.pem").write_text(sec.tls_ca_file)
        for who in ("cluster", "client"):
            (folder / f"{who}.pem").write_text(sec.tls_scheduler_cert)
            (folder / f"{who}.key").write_text(sec.tls_scheduler_key)
    else:
        def openssl(*args):
            subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "365", "-subj", "/CN=geo-dask-ca",
                "-keyout", "ca.key", "-out", "ca.pem")
        for who in ("cluster", "client"):
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN=geo-dask-{who}", "-keyout", f"{who}.key",
                    "-out", f"{who}.csr")
            openssl("x509", "-req", "-in", f"{who}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-days", "365", "-out", f"{who}.pem")
    for key in folder.glob("*.key"):
        key.chmod(0o600)
    return {name: str(folder / name) for name in ("ca.pem", "cluster.pem", "cluster.key", "client.pem", "client.key")}


def client_tls_env(tls: dict) -> dict:
    """Dask's configuration for geo as a client of the TLS cluster (docs/scale.md, "Securing a cluster")."""
    return {"DASK_DISTRIBUTED__COMM__REQUIRE_ENCRYPTION": "True",
            "DASK_DISTRIBUTED__COMM__TLS__CA_FILE": tls["ca.pem"],
            "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT": tls["client.pem"],
            "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY": tls["client.key"]}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A real `dask scheduler` and two `dask worker` processes (no nanny: a killed worker stays dead), secured
    with TLS as docs/scale.md says; yields the address, the workers and geo's client environment."""
    tmp = tmp_path_factory.mktemp("dask-cluster")
    tls = make_tls_files(tmp / "tls")
    tls_args = ["--tls-ca-file", tls["ca.pem"], "--tls-cert", tls["cluster.pem"], "--tls-key", tls["cluster.key"]]
    sched_file = tmp / "scheduler.json"
    procs = []
    log = open(tmp / "cluster.log", "w")

    def start(*args):
        p = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_" + args[0], *args[1:]], env=env(),
                             stdout=log, stderr=subprocess.STDOUT, cwd=tmp, start_new_session=True)
        procs.append(p)
        return p

    start("scheduler", "--protocol", "tls", *tls_args, "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
          "--scheduler-file", str(sched_file))
    deadline = time.time() + 60
    while not sched_file.exists() and time.time() < deadline:
        time.sleep(0.2)
    assert sched_file.exists(), (tmp / "cluster.log").read_text()
    address = json.loads(sched_file.read_text())["address"]
    assert address.startswith("tls://127.0.0.1:")
    workers = [start("worker", address, *tls_args, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--host",
                     "127.0.0.1", "--name", f"w{i}") for i in range(2)]
    from dask.distributed import Client
    from distributed.security import Security

    security = Security(tls_ca_file=tls["ca.pem"], tls_client_cert=tls["client.pem"], tls_client_key=tls["client.key"],
                        require_encryption=True)
    with Client(address, timeout="30s", security=security) as c:
        c.wait_for_workers(2, timeout=60)
    try:
        yield address, workers, client_tls_env(tls)
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        log.close()


def test_a_tls_cluster_refuses_geo_without_credentials(corpus, cluster, tmp_path):
    tmp, inputs, reference = corpus
    address, workers, tls_env = cluster
    proc = geo("extract", *inputs, "--offline", "--engine", "dask", "--scheduler", address, "-o", tmp_path / "o")
    assert proc.returncode == 1 and "needs this client's TLS credentials" in proc.stderr
    assert "DASK_DISTRIBUTED__COMM__TLS__CA_FILE" in proc.stderr and "Traceback" not in proc.stderr
    # a client certificate the cluster's CA did not sign: the handshake is refused (within the timeout)
    other = make_tls_files(tmp_path / "other-ca")
    proc = geo("extract", *inputs, "--offline", "--engine", "dask", "--scheduler", address, "-o", tmp_path / "o",
               environ={**client_tls_env(other), "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "5s"})
    assert proc.returncode == 1 and f"{address}: cannot reach a Dask scheduler" in proc.stderr
    assert not list((tmp_path / "o").glob("part-*"))


def test_scheduler_and_two_worker_processes_give_the_same_mentions(corpus, cluster):
    tmp, inputs, reference = corpus
    address, workers, tls_env = cluster
    out = tmp / "cli-cluster"
    proc = geo("extract", *inputs, "--offline", "--engine", "dask", "--scheduler", address, "--partition-size", 4,
               "-o", out, environ=tls_env)
    assert proc.returncode == 0, proc.stderr
    assert "on 2 workers" in proc.stderr
    _same_as_one_process(out, reference)
    man = json.loads((out / "_geo_run.json").read_text())
    assert len(man["workers"]) == 2 and all(w["pipeline_loads"] == 1 for w in man["workers"].values())
    # a rerun finds every partition done and changes nothing
    before = {f.name: f.read_bytes() for f in out.glob("part-*")}
    again = geo("extract", *inputs, "--offline", "--engine", "dask", "--scheduler", address, "--partition-size",
                4, "-o", out, environ=tls_env)
    assert again.returncode == 0 and "9 already done, 0 run" in again.stderr
    assert {f.name: f.read_bytes() for f in out.glob("part-*")} == before


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(corpus, cluster):
    tmp, inputs, reference = corpus
    address, workers, tls_env = cluster
    out = tmp / "killed"
    # one article per partition (36) so the run is well under way, not finished, when the worker dies: it is
    # killed as soon as the first partition file appears, and 35 more partitions take seconds of parsing
    run = subprocess.Popen([sys.executable, "-m", "geo.cli", "extract", *inputs, "--offline", "--engine", "dask",
                            "--scheduler", address, "--partition-size", "1", "-o", str(out), "-q"], env=env(**tls_env),
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and run.poll() is None and not list(out.glob("part-*.jsonl")):
        time.sleep(0.02)
    done_at_kill = len(list(out.glob("part-*.jsonl")))
    victim = workers[1]
    assert victim.poll() is None
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)
    stdout, stderr = run.communicate(timeout=180)
    assert run.returncode == 0, stderr
    assert 0 < done_at_kill < 36  # killed while partitions were still running or queued
    files = sorted(f.name for f in out.glob("part-*.jsonl"))
    assert len(files) == 36 and not list(out.glob(".*.tmp"))
    lines = _same_as_one_process(out, reference)
    assert len({json.loads(ln)["id"] for ln in lines}) == 36  # no document twice
    man = json.loads((out / "_geo_run.json").read_text())
    assert man["complete"] and man["missing"] == []


def _listening(procs) -> set[tuple[str, int]]:
    import psutil

    found = set()
    for p in procs:
        try:
            found |= {(c.laddr.ip, c.laddr.port) for c in p.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
        except psutil.Error:  # a process that ended meanwhile
            pass
    return found


def _port(address: str) -> tuple[str, int]:
    host, port = address.split("://", 1)[1].rsplit(":", 1)
    return host, int(port)


def test_the_local_cluster_listens_only_on_tls_and_refuses_clients_without_its_credentials():
    """The engine's LocalCluster: scheduler, nanny and worker listen only on tls:// on 127.0.0.1 (no HTTP
    server, no 8787); a client without credentials, or with a certificate of its own, is refused by the
    scheduler and by the worker; geo's own client (holding the credentials) gets in."""
    import asyncio
    import ssl

    import psutil
    from distributed import Client
    from distributed.comm import connect
    from distributed.security import Security

    from geo.batch.engines.dask_cluster import secure_local_cluster

    me = psutil.Process()
    before = {p.pid for p in me.children(recursive=True)}
    baseline = _listening([me])
    with secure_local_cluster(1) as cluster, Client(cluster) as client:
        info = client.scheduler_info()
        [(worker, winfo)] = info["workers"].items()
        tls = [cluster.scheduler_address, worker, winfo["nanny"]]
        assert all(a.startswith("tls://127.0.0.1:") for a in tls)
        new = [p for p in me.children(recursive=True) if p.pid not in before]
        assert new  # the nanny and its worker process
        listening = (_listening([me]) - baseline) | _listening(new)
        assert listening == {_port(a) for a in tls}
        assert not any(port == 8787 for _, port in listening)

        def refused(address, **connection_args):
            async def go():
                comm = await connect(address, timeout=3, **connection_args)
                await comm.close()

            with pytest.raises((OSError, TypeError)):  # OSError: TLS handshake refused / no answer in 3 s
                asyncio.run(asyncio.wait_for(go(), 20))

        # an attacker's own CA and certificate, not checking the server's: the server refuses the handshake
        attacker = Security.temporary().get_connection_args("client")["ssl_context"]
        attacker.check_hostname = False
        attacker.verify_mode = ssl.CERT_NONE
        for address in (cluster.scheduler_address, worker):
            refused(address, ssl_context=attacker, require_encryption=True)
            refused("tcp://" + address.split("://", 1)[1])  # no TLS at all: no Dask handshake
            refused(address)  # no credentials
        with pytest.raises((OSError, TypeError)):
            Client(cluster.scheduler_address, timeout="3s")  # a Client without credentials
        # geo's client holds the credentials: the same worker runs its code
        assert client.submit(lambda x: x + 1, 1, pure=False).result(timeout=60) == 2


def test_dask_resume_retries_a_partition_whose_file_could_not_be_read(tmp_path):
    """On a LocalCluster: a file a worker cannot read leaves its partition unwritten and the run
    incomplete; the same command after the fix reads it."""
    folder = write_folder(tmp_path / "in", articles(4))  # 2 partitions of 2 files
    locked = folder / "art-002.txt"
    out = tmp_path / "out"
    args = ("extract", folder, "--offline", "--engine", "dask", "--workers", 1, "--partition-size", 2, "-o", out)
    as_user = permission_checked()
    os.chmod(locked, 0)
    try:
        proc = geo(*args, prefix=as_user)
    finally:
        os.chmod(locked, 0o644)
    assert proc.returncode == 1 and f"{locked}: permission denied" in proc.stderr
    man = json.loads((out / "_geo_run.json").read_text())
    assert man["complete"] is False and man["errors"] == 1 and len(man["failed"]) == 1
    assert [json.loads(ln)["id"] for ln in part_lines(out)] == [str(folder / f"art-00{i}.txt") for i in (0, 1)]
    again = geo(*args, prefix=as_user)
    assert again.returncode == 0 and "2 partitions (1 already done, 1 run" in again.stderr
    man = json.loads((out / "_geo_run.json").read_text())
    assert man["complete"] is True and man["errors"] == 0 and man["failed"] == {}
    assert [json.loads(ln)["id"] for ln in part_lines(out)] == [str(folder / f"art-00{i}.txt") for i in range(4)]
