import pytest

from exchange.domain.faults import FaultKind, FaultPlan, masked_path
from p2p.settings import ConfigurationError, load_settings


def test_a_plan_reads_every_kind_and_slices_the_draw_in_order() -> None:
    plan = FaultPlan.parse("503=0.1, 429=0.05,slow=0.05,RESET=0.02,duplicate=0.05")
    assert plan.active
    assert plan.pick(0.0) is FaultKind.UNAVAILABLE
    assert plan.pick(0.0999) is FaultKind.UNAVAILABLE
    assert plan.pick(0.1) is FaultKind.THROTTLED
    assert plan.pick(0.16) is FaultKind.SLOW
    assert plan.pick(0.205) is FaultKind.RESET
    assert plan.pick(0.25) is FaultKind.DUPLICATE
    assert plan.pick(0.27) is None and plan.pick(0.999) is None


def test_the_default_plan_injects_nothing() -> None:
    for plan in (FaultPlan.parse(""), load_settings(faults="").fault_plan, FaultPlan.parse("503=0,429=0")):
        assert not plan.active
        assert all(plan.pick(i / 100) is None for i in range(100))


def test_a_rate_of_one_always_faults() -> None:
    plan = FaultPlan.parse("reset=1")
    assert all(plan.pick(i / 1000) is FaultKind.RESET for i in range(1000))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("timeout=0.1", "unknown fault 'timeout'"),
        ("503=1.5", "from 0 to 1"),
        ("503=-0.1", "from 0 to 1"),
        ("503=nan", "from 0 to 1"),
        ("503", "from 0 to 1"),
        ("503=lots", "from 0 to 1"),
        ("503=0.6,429=0.5", "add up to 1.1"),
        ("503=0.1,503=0.2", "given twice"),
    ],
)
def test_a_bad_plan_is_refused_naming_the_variable(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FaultPlan.parse(text)
    with pytest.raises(ConfigurationError, match=rf"P2P_FAULTS: .*{message}"):
        load_settings(faults=text)


def test_paths_are_prefixes_and_the_capability_statement_is_never_faulted() -> None:
    plan = load_settings(faults="503=1").fault_plan
    assert plan.applies_to("/fhir/Patient/$member-match")
    assert not plan.applies_to("/fhir/metadata")
    assert not plan.applies_to("/auth/token")
    assert not plan.applies_to("/steward/queue")
    wide = FaultPlan.parse("503=1", "/fhir/, /auth/")
    assert wide.applies_to("/auth/token") and not wide.applies_to("/fhir/metadata/")
    with pytest.raises(ConfigurationError, match="P2P_FAULTS_PATHS"):
        load_settings(faults_paths="fhir/")


def test_production_refuses_fault_injection() -> None:
    with pytest.raises(ConfigurationError, match="P2P_FAULTS"):
        load_settings(env="prod", faults="503=0.1", neo4j_password="x-real-secret", fingerprint_key="y-real-secret")


def test_logged_paths_keep_words_and_operations_but_not_identifiers() -> None:
    assert masked_path("/fhir/Patient/M-0042/$everything") == "/fhir/Patient/*/$everything"
    assert masked_path("/fhir/Patient/$member-match") == "/fhir/Patient/$member-match"
