"""Tasks of the 免申即享 push: one dispatch per load, then chunks of enterprises any worker may take."""
from __future__ import annotations

from celery import shared_task

from ..services import matching


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def policy_match_dispatch(document_ids: list[int]) -> int:
    """Queue one chunk task per MATCH_CHUNK_SIZE enterprises with saved answers; return how many chunks."""
    chunks = 0
    for chunk in matching.enterprise_id_chunks():
        policy_match_chunk.delay(chunk, document_ids)
        chunks += 1
    return chunks


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5, soft_time_limit=600,
             time_limit=660)
def policy_match_chunk(enterprise_ids: list[int], document_ids: list[int]) -> int:
    return matching.match_chunk(enterprise_ids=enterprise_ids, document_ids=document_ids)
