"""Anonymous outcome figures for the chain: who counts, the per-resident summary of rounds, the
aggregates (computed in SQL) and the disclosure control that every published number passes.

Modules:

* ``population`` - the ONE definition of which residents may be counted;
* ``summary``    - per resident the first (T0) and latest completed round, kept up to date;
* ``dimensions`` - filters (organisation, district, age band, period, questionnaire,
  perspective) and their validation;
* ``atoms``      - the SQL aggregates per smallest group ("atom");
* ``disclosure`` - blocks of at least k residents; the anonymity method (read its docstring);
* ``figures``    - published figures for a filter, and side-by-side comparisons;
* ``goals``      - the goal figures' section (filled in once goals exist);
* ``export``     - CSV and Excel with a codebook.
"""
