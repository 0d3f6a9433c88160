"""Evidence-desk domain: models, rubric, departments, readers, ledger, matrix, reports, mail."""
