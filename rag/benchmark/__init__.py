"""``manage.py bench_rag``: retrieval quality on a corpus with relevance judgments the
project writes (``corpus``), ingestion throughput, and search latency on the embedded store.
Dependencies run one way: ``run`` -> ``corpus``, ``metrics``."""
