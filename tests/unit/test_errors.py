from pulumi_influxdb3_tokens.core.errors import REDACTED, ManagementApiError, scrub


def test_scrub_removes_token_shapes_bearer_headers_and_known_secrets():
    text = scrub(
        "sent Authorization: Bearer abc.def to x; token M.V1.Zx9_-abc.def was refused; admin=hunter2hunter2",
        secrets=["hunter2hunter2"],
    )
    assert "abc.def" not in text and "M.V1.Zx9" not in text and "hunter2" not in text
    assert text.count(REDACTED) == 3


def test_errors_are_scrubbed_at_construction():
    err = ManagementApiError("server said M.V1.secretvalue123 is bad (HTTP 400).", status=400)
    assert "secretvalue123" not in str(err)
    assert str(err).endswith("(HTTP 400).")
