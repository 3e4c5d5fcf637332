"""Tasks of the 免申即享 push: one dispatch per load, then chunks of enterprises any worker may take."""
from __future__ import annotations

from celery import shared_task
from django.db import IntegrityError

from ..services import matching


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def policy_match_dispatch(document_ids: list[int], run: str | None = None) -> int:
    """Queue one chunk task per MATCH_CHUNK_SIZE enterprises with saved answers; return how many chunks.

    `run` names the match for its progress (matching.match_progress); one is made up when none is given."""
    run = run or matching.new_run()
    chunks = profiles = 0
    for chunk in matching.enterprise_id_chunks():
        policy_match_chunk.delay(chunk, document_ids, run)
        chunks += 1
        profiles += len(chunk)
    matching.progress_planned(run, chunks=chunks, profiles=profiles)
    return chunks


# IntegrityError: the same chunk run twice at once (a redelivery) inserted a pair first; run again, it finds it
@shared_task(acks_late=True, autoretry_for=(OSError, IntegrityError), retry_backoff=True, max_retries=5,
             soft_time_limit=600, time_limit=660)
def policy_match_chunk(enterprise_ids: list[int], document_ids: list[int], run: str | None = None) -> int:
    matched = matching.match_chunk(enterprise_ids=enterprise_ids, document_ids=document_ids)
    if run:
        matching.progress_done(run, chunk=enterprise_ids[0] if enterprise_ids else 0, profiles=matched)
    return matched
