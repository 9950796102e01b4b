import json
import urllib.parse

from pulumi_influxdb3_tokens.errors import REDACTED, ManagementApiError, scrub


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


def test_known_secrets_are_scrubbed_in_every_encoding_an_error_may_carry_them():
    # An admin token need not look like M.V1.: influxctl profiles and --admin-token take any string.
    admin = 'adm!n/tok"en+with space&=é\\end'
    forms = {
        "literal": admin,
        "url-encoded": urllib.parse.quote(admin, safe=""),
        "url-encoded (form)": urllib.parse.quote_plus(admin),
        "url-encoded (path)": urllib.parse.quote(admin),
        "json-escaped": json.dumps(admin)[1:-1],
        "json-escaped (ascii)": json.dumps(admin, ensure_ascii=True)[1:-1],
        "json-escaped (utf-8)": json.dumps(admin, ensure_ascii=False)[1:-1],
        "toml-escaped": admin.replace("\\", "\\\\").replace('"', '\\"'),
        "repr": repr(admin)[1:-1],
        "bytes repr": repr(admin.encode())[2:-1],
    }
    for name, form in forms.items():
        text = scrub(f"request to https://x/?t={form} failed: {form!s}", secrets=[admin])
        assert form not in text and REDACTED in text, name
