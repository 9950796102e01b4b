"""Skipping the CA bundle for plain-HTTP API URLs must never weaken an https:// one.

httpx builds a verifying TLS context for every client, loading certifi's bundle (~0.07 s per
provider process). Our client skips that for an ``http://`` API URL (only the loopback local server,
or an explicit allowInsecureHttp), whose requests never use TLS. The context such a client holds
still checks hostnames and certificates and trusts no CA, so any TLS it were ever asked to speak
would fail; an ``https://`` API URL keeps httpx's own verifying context with the whole bundle.
These read the context off httpx's connection pool (private attributes of httpx 0.28 / httpcore 1.0).
"""

from __future__ import annotations

import ssl

from pulumi_influxdb3_tokens.clients.http import new_http_client


def tls_context(api_url: str) -> ssl.SSLContext:
    context = new_http_client(api_url, 5.0)._transport._pool._ssl_context  # type: ignore[attr-defined]
    assert isinstance(context, ssl.SSLContext)
    return context


def test_an_https_api_url_verifies_certificates_against_the_ca_bundle():
    context = tls_context("https://console.influxdata.com")
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0


def test_a_plain_http_api_url_holds_a_context_that_trusts_no_certificate():
    context = tls_context("http://127.0.0.1:8181")
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 0
