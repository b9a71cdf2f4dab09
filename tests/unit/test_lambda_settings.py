"""The Lambdas' settings from the environment: defaults from the model, every missing or malformed
variable named in one line, never its value, and nothing read that the model does not name."""

from __future__ import annotations

import pytest

from lambdas.settings import RETENTION_DAYS, SettingsError, StatusSettings, TriggerSettings

STATUS = {
    "TABLE_NAME": "snapshots",
    "CATALOG_URI": "s3://catalog/reports.toml",
    "ENTITLEMENTS_TABLE": "entitlements",
    "PAGE_TOKEN_KEY_ID": "arn:aws:kms:us-east-1:123456789012:key/k",
}


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in {
        f.alias for f in [*StatusSettings.model_fields.values(), *TriggerSettings.model_fields.values()]
    }:
        monkeypatch.delenv(str(name), raising=False)
    for name, value in STATUS.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_what_is_unset_takes_the_models_default(environment: pytest.MonkeyPatch) -> None:
    settings = StatusSettings.from_env()
    assert settings.table_name == "snapshots" and settings.presign_seconds == 900


@pytest.mark.parametrize(
    ("name", "value", "why"),
    [
        ("PRESIGN_SECONDS", "0", "PRESIGN_SECONDS: Input should be greater than 0"),
        ("PRESIGN_SECONDS", "9999999", "PRESIGN_SECONDS: Input should be less than or equal to 604800"),
        ("PRESIGN_SECONDS", "15 minutes", "PRESIGN_SECONDS: Input should be a valid integer"),
        ("CATALOG_TTL_SECONDS", "-1", "CATALOG_TTL_SECONDS: Input should be greater than or equal to 0"),
    ],
)
def test_a_malformed_value_is_named_never_shown(
    environment: pytest.MonkeyPatch, name: str, value: str, why: str
) -> None:
    environment.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        StatusSettings.from_env()
    message = str(refused.value)
    assert message.startswith("StatusSettings: ") and why in message and len(message.splitlines()) == 1
    assert value not in message.removeprefix("StatusSettings: ").split(": ", 1)[0]


def test_every_missing_variable_is_named_at_once(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("AWS_SECRET_ACCESS_KEY", "never-shown-secret")
    with pytest.raises(SettingsError) as refused:
        TriggerSettings.from_env()
    message = str(refused.value)
    for name in ("BUCKET_NAME", "STATE_MACHINE_ARN"):
        assert f"{name}: Field required" in message
    assert "never-shown-secret" not in message and "TABLE_NAME" not in message


def test_a_retention_past_step_functions_90_days_is_refused(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("BUCKET_NAME", "b")
    environment.setenv("STATE_MACHINE_ARN", "arn:aws:states:us-east-1:123456789012:stateMachine:s")
    assert TriggerSettings.from_env().retention_days == RETENTION_DAYS
    environment.setenv("RETENTION_DAYS", "90")
    with pytest.raises(SettingsError, match="RETENTION_DAYS: Input should be less than 90"):
        TriggerSettings.from_env()
