"""``python manage.py bench_rag``: retrieval quality (nDCG@10, recall@10, MRR) per retriever
on the project's labelled manuals, ingestion throughput beside the embedding model's own
``encode``, and search latency at 10,000 and 100,000 chunks. Run it on a scratch database:

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python manage.py bench_rag
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from rag.benchmark import run


class Command(BaseCommand):
    help = "Measure RAG retrieval quality, ingestion throughput and search latency."

    def add_arguments(self, parser):
        parser.add_argument(
            "--machines", type=int, default=60, help="Manuals in the labelled corpus."
        )
        parser.add_argument("--reranker", default="", help='"cross-encoder" (HUB_RAG_CROSS_ENCODER) '
                            "adds a hybrid + rerank row.")  # fmt: skip
        parser.add_argument("--throughput-documents", type=int, default=40)
        parser.add_argument(
            "--sizes", default="10000,100000", help="Chunk counts for the latency runs."
        )
        parser.add_argument("--searches", type=int, default=100)
        parser.add_argument(
            "--skip", default="", help="Comma-separated: quality, throughput, latency."
        )

    def handle(self, *args, machines: int, reranker: str, throughput_documents: int, sizes: str,
               searches: int, skip: str, **options) -> None:  # fmt: skip
        skipped = {part.strip() for part in skip.split(",") if part.strip()}
        say = self.stdout.write
        if "quality" not in skipped:
            say(f"Retrieval quality: {machines} manuals, {machines * 5} queries, top 10")
            results = run.quality(say, machines=machines, reranker=reranker)
            kinds = sorted(results[0].by_kind)
            say(f"  {'retriever':<22} {'nDCG@10':>8} {'recall@10':>10} {'MRR':>6}   nDCG@10 by query: "
                + ", ".join(kinds))  # fmt: skip
            for result in results:
                by_kind = "  ".join(f"{result.by_kind[k]:.3f}" for k in kinds)
                say(
                    f"  {result.name:<22} {result.ndcg:8.3f} {result.recall:10.3f} {result.mrr:6.3f}   {by_kind}"
                )
        if "throughput" not in skipped:
            say("Ingestion throughput (bundled all-MiniLM-L6-v2, this process)")
            ingested, encoded = run.throughput(say, documents=throughput_documents)
            say(f"  ingestion {ingested:.1f} chunks/s; encode alone {encoded:.1f} chunks/s; "
                f"ingestion at {100 * ingested / encoded:.0f} % of encode")  # fmt: skip
        if "latency" not in skipped:
            for size in (int(s) for s in sizes.split(",") if s.strip()):
                say(f"Search latency at {size} chunks ({searches} searches, hybrid, top 10)")
                for label, value in run.latency(say, chunks=size, searches=searches).items():
                    say(f"  {label}: {value:.1f}")
