"""The maatwerkbudget (DOMAIN.md "Maatwerkbudget"): a budget in euros per team per year, spent on a request
that three professionals decide on, paid by finance within 24 hours.

- `modellen`: the tables; `budget`: the append-only ledger and its lock; `aanvragen`: the use cases (request,
  decide, withdraw, batch for payment, confirm payment, reminders); `betaalbestand`: pain.001 and CSV;
  `cijfers`: the report's figures.
"""
