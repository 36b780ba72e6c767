"""Performance figures held for councils, by metric and period."""

from __future__ import annotations

from ..domain import Metric
from .councils import Councils
from .store import Vault


class Metrics:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def list(self, council: str | None = None) -> list[Metric]:
        if council:
            gss = Councils(self.vault).require(council)
            return self.vault.records(
                Metric, "deleted = 0 AND council = ?", (gss,), order="metric_id, period"
            )
        return self.vault.records(Metric, "deleted = 0", order="council, metric_id, period")

    def count(self) -> int:
        return int(self.vault.scalar("SELECT count(*) FROM metrics WHERE deleted = 0"))

    def keyed(self) -> dict[tuple[str, str, str], tuple[str, str, float, str]]:
        """(council, metric id, period) -> (id, name, value, unit) for every figure held: what an
        import compares against, without building 200,000 records."""
        return {
            (str(c), str(m), str(p)): (str(i), str(n), float(v), str(u))
            for i, c, m, p, n, v, u in self.vault.query(
                "SELECT id, council, metric_id, period, name, value, unit FROM metrics "
                "WHERE deleted = 0"
            )
        }

    def get(self, metric_id: str) -> Metric | None:
        return self.vault.get(Metric, metric_id)
