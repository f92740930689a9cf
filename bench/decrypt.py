"""The cost of decrypting 200 fields: unwrap the case's data key, open 200 sealed texts.

Measured on its own (vault only, inside the gate context, as the gate does it) and, for
context, as a whole content disclosure of a case with 200 contributions in four categories
(policy, one audit event per category, the database reads, the decryption and the commit).
Goal: < 5 ms for the 200 fields.
"""

from __future__ import annotations

import statistics
import time

from bench.common import bench_app, scratch_database, write_result
from zorgtafel import ROOT
from zorgtafel.auth import operations as accounts
from zorgtafel.auth.models import Role
from zorgtafel.cases import operations as cases
from zorgtafel.cases.models import Case
from zorgtafel.convenant.loader import load_convenant
from zorgtafel.core.db import db
from zorgtafel.privacy import vault
from zorgtafel.privacy.gate import Level, Purpose
from zorgtafel.privacy.gate.cases import disclose

FIELDS = 200
ROUNDS = 50
#: fictitious text of a typical length for a contribution (about 600 characters)
TEXT = (
    "Fictief: [BETROKKENE] is sinds [DATUM-1] vaker afwezig op school en wordt gezien bij "
    "[LOCATIE-1] met [PERSOON-1]. "
) * 5


def main() -> None:
    convenant = load_convenant(ROOT / "convenants" / "zorgtafel-jpmh-voorbeeldland-1.1.toml")
    with scratch_database("sqlite") as url, bench_app(url) as app, app.app_context():
        accounts.create_organisation("veilig-thuis", "Veilig Thuis (fictief)")
        password = "lang genoeg wachtwoord"  # noqa: S105 - a throw-away bench account
        user = accounts.create_user(
            "bench@veilig-thuis.test", "Bench", "veilig-thuis", Role.partner, password
        )
        case = cases.create_case(user, coordinator_code="veilig-thuis")
        categories = ["signalen", "gezin-netwerk", "gezondheid", "hulpverlening"]
        for number in range(FIELDS):
            cases.add_contribution(
                user, case, categories[number % len(categories)], TEXT, convenant=convenant
            )
        db.session.commit()
        case_id, user_id = case.id, user.id
        db.session.close()

        case = db.session.get(Case, case_id)
        contributions = list(case.contributions)  # loaded before timing: decryption only
        case_key = vault.case_key_for(db.session, case_id)
        vault_ms = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            key = vault.data_key(case_key)
            with vault.gate_context("bench"):
                for contribution in contributions:
                    vault.open_sealed(
                        key, contribution.text, table="contributions",
                        row_id=contribution.id, column="text",
                    )  # fmt: skip
            vault_ms.append((time.perf_counter() - started) * 1000)

        gate_ms = []
        for _ in range(ROUNDS // 5):
            db.session.expire_all()
            started = time.perf_counter()
            view = disclose(
                db.session.get(type(user), user_id), db.session.get(Case, case_id),
                Level.content, Purpose.case_conference, convenant,
            )  # fmt: skip
            db.session.commit()
            gate_ms.append((time.perf_counter() - started) * 1000)
        assert len(view.contributions) == FIELDS

    summary = {
        "fields": FIELDS,
        "field_bytes": len(TEXT.encode()),
        "rounds": ROUNDS,
        "vault_ms_median": round(statistics.median(vault_ms), 3),
        "vault_ms_max": round(max(vault_ms), 3),
        "gate_content_view_ms_median": round(statistics.median(gate_ms), 2),
        "goal": "vault_ms_median < 5",
    }
    summary["goal_met"] = summary["vault_ms_median"] < 5
    print(write_result("decrypt_fields", summary).read_text())


if __name__ == "__main__":
    main()
