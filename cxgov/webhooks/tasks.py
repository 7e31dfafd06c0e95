"""The task that sends webhook deliveries, on the `webhooks` queue of `cxgov worker`.

Each run is one try (`services.delivery_attempt`); a failed try queues the next one itself with
exponential backoff (`core.tasks.retry_delay`), so a delivery's tries are in its own log rather
than the failed-tasks list, and a receiver that is down never raises out of the worker.
"""

from __future__ import annotations

from django_tasks import task

from cxgov.webhooks.services import delivery_attempt


@task(queue_name="webhooks")
def webhook_deliver(*, delivery_id: int, manual: bool = False) -> str:
    """Try one delivery once; answers its status afterwards."""
    return str(delivery_attempt(delivery_id=delivery_id, manual=manual).status)
