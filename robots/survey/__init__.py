"""アンケート集計: survey pages and 電子申請 rows → responses in the ledger → the 集計 a 課 publishes.

``rules`` (a question's answer as the survey definition allows it), ``pages`` (scans → one item per
booklet), ``webcsv`` (電子申請 export → one item per answer), ``store`` (responses in the ledger,
counted once), ``tally`` (the figures), ``masking`` (personal data in comments), ``workbook`` and
``export`` (Excel, CSV). The robot that drives them is :mod:`daiko.robots.tasks.survey`.
"""
