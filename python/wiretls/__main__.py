"""``python -m wiretls``: a client and a server in memory, on every engine
pair of this build, with a fresh test PKI; prints what each negotiated."""

import sys

import wiretls


def exchange(client_engine: str, server_engine: str, pki: dict) -> str:
    server_chain = wiretls.chain_from_pem(pki["server-p256.pem"])
    roots = wiretls.TrustStore.from_pem(pki["root-ca.pem"])
    to_server: list = []
    to_client: list = []
    closed: dict = {}

    server = wiretls.ServerTLS(
        wiretls.ServerCertificateChain(set(server_chain)), engine=server_engine, alpn_protocols=[b"demo/1"]
    ).start(to_client.append, None, lambda immediate: closed.setdefault("server", immediate))
    client = wiretls.ClientTLS(
        "localhost", trust_root=roots, engine=client_engine, alpn_protocols=[b"demo/1"]
    ).start(to_server.append, lambda immediate: closed.setdefault("client", immediate))

    client.data_from_application(b"hello from the client")
    received = {"server": b"", "client": b""}
    for _ in range(20):
        if not to_server and not to_client:
            break
        while to_server:
            received["server"] += server.data_from_wire(to_server.pop(0))
            if received["server"] == b"hello from the client":
                server.data_from_application(b"hello from the server")
                server.application_finished()
                received["server"] += b"."
        while to_client:
            received["client"] += client.data_from_wire(to_client.pop(0))
    client.application_finished()
    while to_server:
        server.data_from_wire(to_server.pop(0))
    assert received["client"] == b"hello from the server", received
    return (
        f"{client_engine:>10} -> {server_engine:<10} {client.tls_version} {client.cipher_suite} "
        f"group={client.key_exchange_group} alpn={client.alpn_protocol!r} "
        f"peer={client.peer_certificates[0].subject!r} closed={closed}"
    )


def main() -> int:
    print(f"wiretls {wiretls.__version__}: engines {', '.join(wiretls.ENGINES)}")
    pki = wiretls.generate_test_pki()
    for client_engine in wiretls.ENGINES:
        for server_engine in wiretls.ENGINES:
            print(exchange(client_engine, server_engine, pki))
    return 0


if __name__ == "__main__":
    sys.exit(main())
