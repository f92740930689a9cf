"""Paths of the example convenants, shared by the convenant tests (a uniquely named module,
so it cannot collide with other test directories' helpers under pytest's prepend import)."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "convenants"
EXAMPLE_1_0 = EXAMPLES / "zorgtafel-jpmh-voorbeeldland-1.0.toml"
EXAMPLE_1_1 = EXAMPLES / "zorgtafel-jpmh-voorbeeldland-1.1.toml"
HERE = Path(__file__).resolve().parent
VALID_MINIMAL = HERE / "valid-minimal.toml"
MALFORMED = sorted((HERE / "malformed").glob("*.toml"))
