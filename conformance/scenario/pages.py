"""Follows a ``pages: all`` step's ``nextToken`` to the last page and merges the pages into one answer.

A target whose tokens never end, or repeat, or whose pages add up to more than can be judged in memory, ends the
paging with a failure instead of a hang.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from conformance.model.exchange import CallResult
from conformance.model.service import OperationInfo, Paging
from conformance.model.vocabulary import MODEL_EVIDENCE
from conformance.scenario.answers import Answer, read_answer
from conformance.scenario.format import Step
from conformance.scenario.modelchecks import model_failures
from conformance.scenario.results import Failure

__all__ = ["MAX_PAGED_BYTES", "MAX_PAGES", "Call", "later_pages"]

Call = Callable[[Step, Mapping[str, Any], bytes | None], CallResult | Failure]
"""Makes one call of a step: the call, or the failure that it could not be made."""

#: A ``pages: all`` step gives up after this many pages: a target whose tokens never end would loop forever.
MAX_PAGES = 1000
#: ... or once its pages' bodies add up to more than this: each page is capped by the target's response-size cap,
#: but a thousand capped pages are not, and their items are all held at once to be judged.
MAX_PAGED_BYTES = 32 * 1024 * 1024


def later_pages(
    step: Step,
    info: OperationInfo,
    paging: Paging,
    caller: Call,
    params: Mapping[str, Any],
    first: Answer,
    pages: list[CallResult],
    model_checks: bool,
    known: frozenset[str] | None = None,
) -> tuple[Answer | Failure, list[Failure]]:
    """Follow ``nextToken`` from the first page; appends each call to ``pages``.

    Returns the answer to judge — every page's items in one response without ``nextToken``, or the error answer
    of the page that failed (judged like a one-page error), or the ERROR/UNSUPPORTED failure that ended paging —
    and the later pages' model-check failures, each message naming its page.
    """
    items = list(first.value.get(paging.result_key) or ())
    token = first.value.get(paging.output_token)
    seen: set[Any] = set()
    failures: list[Failure] = []
    paged = 0
    while token is not None:
        number = len(pages) + 2
        if token in seen or number > MAX_PAGES:
            why = f"the nextToken of page {number - 1} was returned before" if token in seen else "there is no end"
            message = f"pages: all stopped at page {number}: {why}; a list must end"
            failures.append(Failure("expectation", message, step.evidence, step.index, line=step.line))
            break
        seen.add(token)
        result = caller(step, {**params, paging.input_token: token}, None)
        if isinstance(result, Failure):
            return result, failures
        pages.append(result)
        paged += len(result.exchange.response_body) if result.exchange is not None else 0
        if paged > MAX_PAGED_BYTES:
            message = (
                f"pages: all stopped at page {number}: pages 2 to {number} hold {paged:,} bytes, more than "
                f"{MAX_PAGED_BYTES:,}; a list this large cannot be judged in memory"
            )
            return Failure("transport", message, MODEL_EVIDENCE, step.index), failures
        answer = read_answer(info, result, step.index)
        if isinstance(answer, Failure):
            return replace(answer, message=f"page {number}: {answer.message}"), failures
        if model_checks:
            failures += [
                replace(f, message=f"page {number}: {f.message}") for f in model_failures(step, result, answer, known)
            ]
        if not answer.success:
            return answer, failures
        items += answer.value.get(paging.result_key) or ()
        token = answer.value.get(paging.output_token)
    merged = {key: value for key, value in first.value.items() if key != paging.output_token}
    merged[paging.result_key] = items
    return Answer(True, merged, first.document), failures
