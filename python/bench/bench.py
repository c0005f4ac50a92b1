"""wiretls's Python API next to the standard library's ssl.SSLObject over
MemoryBIO: handshakes per second and bulk throughput in 16 KiB writes, both
in memory (no sockets), same machine, same run.

    python python/bench/bench.py            the full run, a table on stdout
    python python/bench/bench.py --quick    a short run (CI: checks that it works)
    python python/bench/bench.py --docs     the full run, written to docs/benchmarks-python.md

Both sides of every connection are in this process: a client and a server of
the same engine. "ssl" is CPython's ssl module (OpenSSL, the system's
libssl), so wiretls's "openssl" engine against it is the like-for-like
measure of what the wiretls API costs over the same library.
"""

from __future__ import annotations

import argparse
import os
import platform
import ssl
import statistics
import sys
import tempfile
import time

import wiretls

CHUNK = 16 * 1024


# ---------------------------------------------------------------- wiretls

class WiretlsPair:
    def __init__(self, engine: str, pki: dict, server_tls, client_tls) -> None:
        self.to_server: list[bytes] = []
        self.to_client: list[bytes] = []
        self.server = server_tls.start(self.to_client.append, None, lambda immediate: None)
        self.client = client_tls.start(self.to_server.append, lambda immediate: None)

    def pump(self) -> tuple[bytes, bytes]:
        """Move bytes until neither side writes; the plaintext each side got."""
        got_server = bytearray()
        got_client = bytearray()
        while self.to_server or self.to_client:
            if self.to_server:
                data = b"".join(self.to_server)
                self.to_server.clear()
                got_server += self.server.data_from_wire(data)
            if self.to_client:
                data = b"".join(self.to_client)
                self.to_client.clear()
                got_client += self.client.data_from_wire(data)
        return bytes(got_server), bytes(got_client)


def wiretls_configs(engine: str, pki: dict):
    chain = wiretls.chain_from_pem(pki["server-p256.pem"])
    server_tls = wiretls.ServerTLS(wiretls.ServerCertificateChain(chain), engine=engine)
    # The suite ssl.SSLObject negotiates (OpenSSL's TLS 1.3 default order
    # puts AES-256 first), where the engine lets a client choose.
    suites = None
    caps = wiretls.capabilities(engine)
    if caps["cipher_suite_selection"] and caps["tls13_suite_selection"]:
        suites = ["TLS13_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"]
    client_tls = wiretls.ClientTLS(
        "localhost",
        suites,
        trust_root=wiretls.TrustStore.from_pem(pki["root-ca.pem"]),
        engine=engine,
        resumption=False,
    )
    return server_tls, client_tls


NEGOTIATED: dict = {}


def wiretls_handshakes(engine: str, pki: dict, count: int) -> float:
    server_tls, client_tls = wiretls_configs(engine, pki)
    start = time.perf_counter()
    for _ in range(count):
        pair = WiretlsPair(engine, pki, server_tls, client_tls)
        pair.pump()
        assert not pair.client.is_handshaking
    elapsed = time.perf_counter() - start
    c = pair.client
    NEGOTIATED[f"wiretls {engine}"] = f"{c.tls_version} {c.cipher_suite} {c.key_exchange_group}"
    return count / elapsed


def wiretls_bulk(engine: str, pki: dict, total: int) -> float:
    server_tls, client_tls = wiretls_configs(engine, pki)
    pair = WiretlsPair(engine, pki, server_tls, client_tls)
    pair.pump()
    chunk = os.urandom(CHUNK)
    client, server = pair.client, pair.server
    received = 0
    start = time.perf_counter()
    for _ in range(total // CHUNK):
        client.data_from_application(chunk)
        data = b"".join(pair.to_server)
        pair.to_server.clear()
        received += len(server.data_from_wire(data))
    elapsed = time.perf_counter() - start
    assert received == (total // CHUNK) * CHUNK, received
    return received / elapsed / 1e6


# -------------------------------------------------------- ssl.SSLObject

class SslPair:
    def __init__(self, server_ctx: ssl.SSLContext, client_ctx: ssl.SSLContext) -> None:
        self.c_in, self.c_out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.s_in, self.s_out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.client = client_ctx.wrap_bio(self.c_in, self.c_out, server_hostname="localhost")
        self.server = server_ctx.wrap_bio(self.s_in, self.s_out, server_side=True)

    def handshake(self) -> None:
        done = {"client": False, "server": False}
        while not all(done.values()):
            for name, obj in (("client", self.client), ("server", self.server)):
                if not done[name]:
                    try:
                        obj.do_handshake()
                        done[name] = True
                    except ssl.SSLWantReadError:
                        pass
                self.move()
        self.move()

    def move(self) -> None:
        if self.c_out.pending:
            self.s_in.write(self.c_out.read())
        if self.s_out.pending:
            self.c_in.write(self.s_out.read())


def ssl_contexts(files: dict) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(files["server-p256.pem"])
    client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_ctx.load_verify_locations(files["root-ca.pem"])
    # Like wiretls's configurations above: no session tickets, no resumption.
    server_ctx.num_tickets = 0
    return server_ctx, client_ctx


def ssl_handshakes(files: dict, count: int) -> float:
    server_ctx, client_ctx = ssl_contexts(files)
    start = time.perf_counter()
    for _ in range(count):
        pair = SslPair(server_ctx, client_ctx)
        pair.handshake()
    elapsed = time.perf_counter() - start
    NEGOTIATED["ssl.SSLObject"] = f"{pair.client.version()} {pair.client.cipher()[0]}"
    return count / elapsed


def ssl_bulk(files: dict, total: int) -> float:
    server_ctx, client_ctx = ssl_contexts(files)
    pair = SslPair(server_ctx, client_ctx)
    pair.handshake()
    chunk = os.urandom(CHUNK)
    received = 0
    start = time.perf_counter()
    for _ in range(total // CHUNK):
        pair.client.write(chunk)
        pair.s_in.write(pair.c_out.read())
        while True:
            try:
                received += len(pair.server.read(CHUNK))
            except ssl.SSLWantReadError:
                break
    elapsed = time.perf_counter() - start
    assert received == (total // CHUNK) * CHUNK, received
    return received / elapsed / 1e6


# ------------------------------------------------------------------ run

DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "benchmarks-python.md")
DOCS_HEAD = """# Benchmark: wiretls's Python API next to ssl.SSLObject

Written by `bash ci/python.sh --bench` (`python python/bench/bench.py --docs`
with each wheel, release builds; see bench.py's docstring and docs/python.md).
Each row is an in-memory client and server of that path in one process;
"vs ssl" divides by the ssl.SSLObject row of the same run, which drives the
same OpenSSL as wiretls's openssl engine. Each wheel has its own section
(OpenSSL and BoringSSL cannot share one library, so they cannot share one run).
"""


def write_docs(setup: str, table: str) -> None:
    """Replace this wheel's section of docs/benchmarks-python.md."""
    heading = f"## The wheel with {', '.join(wiretls.ENGINES)}"
    sections = {}
    if os.path.exists(DOCS):
        with open(DOCS) as f:
            text = f.read()
        for part in text.split("\n## ")[1:]:
            title, _, body = part.partition("\n")
            sections["## " + title] = body.strip("\n")
    sections[heading] = f"{setup}\n\n{table}"
    with open(DOCS, "w") as f:
        f.write(DOCS_HEAD)
        for title in sorted(sections):
            f.write(f"\n{title}\n\n{sections[title]}\n")

def best_of(runs: int, f, *args) -> float:
    return statistics.median(f(*args) for _ in range(runs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run")
    parser.add_argument("--docs", action="store_true", help="write docs/benchmarks-python.md")
    args = parser.parse_args()
    handshakes, total, runs = (20, 4 << 20, 1) if args.quick else (300, 64 << 20, 5)

    pki = wiretls.generate_test_pki()
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for name, text in pki.items():
            files[name] = os.path.join(tmp, name)
            with open(files[name], "w") as f:
                f.write(text)
        rows = [("ssl.SSLObject", best_of(runs, ssl_handshakes, files, handshakes), best_of(runs, ssl_bulk, files, total))]
        for engine in wiretls.ENGINES:
            rows.append(
                (f"wiretls {engine}", best_of(runs, wiretls_handshakes, engine, pki, handshakes),
                 best_of(runs, wiretls_bulk, engine, pki, total))
            )

    base_hs, base_bulk = rows[0][1], rows[0][2]
    lines = [
        "| path | negotiated | handshakes/s | vs ssl | bulk MB/s (16 KiB writes) | vs ssl |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, hs, bulk in rows:
        lines.append(f"| {name} | {NEGOTIATED.get(name, '')} | {hs:,.0f} | {hs / base_hs:.2f} | {bulk:,.0f} | {bulk / base_bulk:.2f} |")
    setup = (
        f"Python {platform.python_version()}, {ssl.OPENSSL_VERSION}, wiretls {wiretls.__version__} "
        f"({', '.join(wiretls.ENGINES)}), {platform.machine()}, {os.cpu_count()} cores; "
        f"{handshakes} handshakes and {total >> 20} MiB per run, median of {runs} runs; "
        "client and server in one process, in memory, each engine's default versions, suites and groups "
        "(the negotiated column), ECDSA P-256 server chain, no resumption."
    )
    table = "\n".join(lines)
    print(setup)
    print(table)
    if args.docs:
        write_docs(setup, table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
