"""Certificates, strict loaders, TrustStore, ServerCertificateChain and
SNIServerCertificates construction, with the seed's errors."""

import pytest

import wiretls
from conftest import pem_ders


def test_chain_from_pem_orders_leaf_first_with_key(pki):
    chain = pki.chain("server-p256.pem")
    assert len(chain) == 2
    leaf, inter = chain
    assert leaf.is_leaf and not leaf.is_ca
    assert leaf.has_private_key
    assert inter.is_ca and not inter.is_leaf and not inter.has_private_key
    assert leaf.get_asn1_bytes() == pem_ders(pki["server-p256.pem"])[0]
    assert inter.get_asn1_bytes() == pki.ders("inter-ca.pem")[0]
    assert "localhost" in leaf.dns_names and "server.wiretls.test" in leaf.dns_names


def test_chain_from_pem_any_order(pki):
    reordered = pki["inter-ca.pem"] + pki["server-p256.pem"]
    chain = wiretls.chain_from_pem(reordered)
    assert [c.get_asn1_bytes() for c in chain] == [c.get_asn1_bytes() for c in pki.chain()]


def test_chain_from_pem_with_separate_key(pki):
    chain = wiretls.chain_from_pem(pki["server-p256.crt"], key_pem=pki["server-p256.key"])
    assert chain == pki.chain()
    assert chain[0].has_private_key


def test_pem_as_bytes_or_str(pki):
    as_bytes = wiretls.chain_from_pem(pki["server-p256.pem"].encode("ascii"))
    assert as_bytes == pki.chain()


def test_get_asn1_bytes_is_the_pem_der(pki):
    for name in ("root-ca.pem", "inter-ca.pem", "other-root-ca.pem", "client-root-ca.pem"):
        (cert,) = pki.certs(name)
        der = cert.get_asn1_bytes()
        assert type(der) is bytes
        assert der == pki.ders(name)[0]
        assert wiretls.Certificate.from_der(der) == cert


def test_equality_and_hash_by_der_only(pki):
    leaf = pki.chain()[0]
    bare = leaf.without_private_key()
    assert not bare.has_private_key
    assert leaf == bare and hash(leaf) == hash(bare)
    assert len({leaf, bare}) == 1
    assert leaf != pki.chain("server-p384.pem")[0]


def test_certificate_from_pem_with_key(pki):
    cert = wiretls.Certificate.from_pem(pki["client1.pem"])
    assert cert.has_private_key and cert.is_leaf
    cert = wiretls.Certificate.from_pem(pki["root-ca.pem"])
    assert not cert.has_private_key and cert.is_ca


def test_subject(pki):
    leaf, inter = pki.chain()
    (root,) = pki.certs("root-ca.pem")
    assert all(isinstance(c.subject, str) and c.subject for c in (leaf, inter, root))
    assert len({leaf.subject, inter.subject, root.subject}) == 3
    assert "wiretls test server" in leaf.subject


# --------------------------------------------------------------- TrustStore


def test_trust_store_from_pem_and_set(pki):
    store = pki.trust("root-and-inter-ca.pem")
    assert not store.is_default
    assert len(store.certificates) == 2
    assert set(wiretls.TrustStore(set(pki.certs("root-ca.pem"))).certificates) == set(pki.certs("root-ca.pem"))


def test_default_trust_store():
    assert wiretls.DEFAULT.is_default
    assert wiretls.DEFAULT.certificates == []


def test_trust_store_with_key_is_extraneous_private_key(pki):
    leaf_with_key = pki.chain()[0]
    with pytest.raises(wiretls.ExtraneousPrivateKeyError):
        wiretls.TrustStore([leaf_with_key])
    with pytest.raises(wiretls.ExtraneousPrivateKeyError):
        wiretls.TrustStore.from_pem(pki["server-p256.pem"])
    with pytest.raises(wiretls.ExtraneousPrivateKeyError):
        wiretls.certificates_from_pem(pki["client1.pem"])


# ------------------------------------------------------------ chain errors


def test_no_leaf(pki):
    with pytest.raises(wiretls.NoLeafCertificateError):
        wiretls.ServerCertificateChain(pki.certs("root-and-inter-ca.pem"))
    with pytest.raises(wiretls.NoLeafCertificateError):
        wiretls.chain_from_pem(pki["root-and-inter-ca.pem"])


def test_more_than_one_leaf(pki):
    two = set(pki.chain("server-p256.pem")) | set(pki.chain("server-p384.pem"))
    with pytest.raises(wiretls.MoreThanOneLeafCertificateError):
        wiretls.ServerCertificateChain(two)
    with pytest.raises(wiretls.MoreThanOneLeafCertificateError):
        wiretls.chain_from_pem(pki["server-p256.crt"] + pki["server-p384.crt"], key_pem=pki["server-p256.key"])


def test_leaf_without_key(pki):
    with pytest.raises(wiretls.LeafCertificateHasNoPrivateKeyError):
        wiretls.ServerCertificateChain(pki.certs("server-p256.crt"))
    with pytest.raises(wiretls.LeafCertificateHasNoPrivateKeyError):
        wiretls.chain_from_pem(pki["server-p256.crt"])


def test_certificate_not_in_chain(pki):
    stray = pki.chain() + pki.certs("other-root-ca.pem")
    with pytest.raises(wiretls.CertificateNotInChainError):
        wiretls.ServerCertificateChain(stray)
    with pytest.raises(wiretls.CertificateNotInChainError):
        wiretls.chain_from_pem(pki["server-p256.pem"] + pki["other-root-ca.pem"])


def test_malformed(pki):
    for bad in ("", "not PEM at all", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"):
        with pytest.raises(wiretls.MalformedError):
            wiretls.chain_from_pem(bad)
        with pytest.raises(wiretls.MalformedError):
            wiretls.certificates_from_pem(bad)
    with pytest.raises(wiretls.MalformedError):
        wiretls.Certificate.from_der(b"\x30\x03junk")
    with pytest.raises(wiretls.MalformedError):
        wiretls.DHParams.from_pem("nothing here")
    with pytest.raises(wiretls.MalformedError):
        wiretls.TrustStore.from_pem("garbage")


def test_public_key_section_is_malformed(pki):
    public_key = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n"
    with pytest.raises(wiretls.MalformedError):
        wiretls.chain_from_pem(pki["server-p256.pem"] + public_key)


def test_server_certificate_chain_orders(pki):
    shuffled = list(reversed(pki.chain()))
    store = wiretls.ServerCertificateChain(set(shuffled))
    assert store.chain == pki.chain()
    assert isinstance(store, wiretls.ServerCertificates)


# -------------------------------------------------------------- SNI store


def test_sni_store_errors(pki):
    alpha = set(pki.chain("sni-alpha.pem"))
    with pytest.raises(wiretls.LeafCertificateHasNoPrivateKeyError):
        wiretls.SNIServerCertificates(set(pki.certs("sni-alpha.crt")))
    with pytest.raises(wiretls.NoLeafCertificateError):
        wiretls.SNIServerCertificates(set(pki.certs("root-and-inter-ca.pem")))
    with pytest.raises(wiretls.CertificateNotInChainError):
        wiretls.SNIServerCertificates(alpha | set(pki.certs("other-root-ca.pem")))
    two = set(pki.chain("server-p256.pem")) | set(pki.chain("server-p384.pem"))
    with pytest.raises(wiretls.MoreThanOneLeafCertificateError):
        wiretls.SNIServerCertificates(alpha, default=two)


def test_sni_store_default_is_empty_set(pki):
    store = wiretls.SNIServerCertificates(set(pki.chain("sni-alpha.pem")), default=set())
    assert store.select("alpha.wiretls.test")[0] == pki.chain("sni-alpha.pem")[0]
    assert store.select("unknown.wiretls.test") is None
    store = wiretls.SNIServerCertificates(set(pki.chain("sni-alpha.pem")))
    assert store.select("unknown.wiretls.test") is None
    assert isinstance(store, wiretls.ServerCertificates)
