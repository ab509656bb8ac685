"""网站迁移: take in a county's old site from a spreadsheet, and give it back (docs/import.md).

    columns   the Chinese headers (the template's), `--map` aliases, the template file
    reading   CSV (UTF-8 with/without BOM, GB18030) and XLSX → numbered rows of text, with limits
    rows      one row → a checked `Row` or the list of what is wrong with it (line, column, reason)
    run       batches: match what an earlier run brought in, create or update drafts, publish what
              the pre-publication checks clear (disclosures/workflow.import_published_many), report
    export    the same columns out of the portal (and the attachments into a folder)
    jobs      the background-task handlers the admin page starts (portal/tasks.py)

The management commands `import_items` and `export_items` and the admin page
(disclosures/admin/site_import.py) are thin layers over `run.import_file` and `export.export_items`.
"""
