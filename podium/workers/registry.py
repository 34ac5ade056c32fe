"""JOBS: every job function and cron job, for `podium worker` and the embedded in-process worker alike."""

from __future__ import annotations

from arq import cron, func

from podium.competitions.services import imports
from podium.platform.jobs import JobName, JobRegistry
from podium.platform.notifications.services import MAX_ATTEMPTS
from podium.workers.competitions import (
    check_import,
    detect_duplicates,
    evaluate_eligibility,
    recompute_funding_fx,
    remind_drafts,
    run_import,
    send_eligibility_outcomes,
    send_outcome_surveys,
)
from podium.workers.judging import compute_ranking, detect_conflicts, refill_declined, remind_judges, send_results
from podium.workers.maintenance import purge_expired_sessions
from podium.workers.notifications import release_stale_notifications, send_notification, send_password_reset
from podium.workers.registration import (
    erase_passport_numbers,
    handle_stripe_event,
    offer_waitlist,
    refund_order,
    release_lapsed_holds,
)

FUNCTIONS = [
    # keep_result=0: the job id "notification:<id>" must be reusable once a run has finished.
    func(send_notification, name=JobName.SEND_NOTIFICATION, keep_result=0, max_tries=MAX_ATTEMPTS + 1),
    func(send_password_reset, name=JobName.SEND_PASSWORD_RESET),
    # keep_result=0: "eligibility:<competition>" is re-queued whenever the rules change.
    func(evaluate_eligibility, name=JobName.EVALUATE_ELIGIBILITY, keep_result=0),
    func(detect_duplicates, name=JobName.DETECT_DUPLICATES, keep_result=0),
    func(remind_drafts, name=JobName.REMIND_DRAFTS, keep_result=0),
    func(send_eligibility_outcomes, name=JobName.SEND_ELIGIBILITY_OUTCOMES, keep_result=0),
    func(check_import, name=JobName.CHECK_IMPORT),
    # Retried by the service (arq.Retry) so that a failure is recorded after the last try.
    func(run_import, name=JobName.RUN_IMPORT, max_tries=imports.MAX_TRIES, timeout=1800),
    func(detect_conflicts, name=JobName.DETECT_CONFLICTS, keep_result=0),
    func(remind_judges, name=JobName.REMIND_JUDGES, keep_result=0),
    func(refill_declined, name=JobName.REFILL_DECLINED, keep_result=0),
    # keep_result=0: "rank:<round>" is queued again after every score change (debounced by its deferral).
    func(compute_ranking, name=JobName.COMPUTE_RANKING, keep_result=0),
    func(send_results, name=JobName.SEND_RESULTS, keep_result=0),
    func(send_outcome_surveys, name=JobName.SEND_OUTCOME_SURVEYS, keep_result=0),
    # keep_result=0: "funding-fx:<summit>" is queued again after every change of the summit's rates.
    func(recompute_funding_fx, name=JobName.RECOMPUTE_FUNDING_FX, keep_result=0),
    func(purge_expired_sessions, name=JobName.PURGE_EXPIRED_SESSIONS, keep_result=0),
    func(release_stale_notifications, name=JobName.RELEASE_STALE_NOTIFICATIONS, keep_result=0),
    # Tickets. keep_result=0 throughout: each job id ("stripe-event:<id>", "refund:<id>", "release-lapsed-holds")
    # may be queued again (by the sweep, or by the next buyer refused), and every run is idempotent.
    func(handle_stripe_event, name=JobName.HANDLE_STRIPE_EVENT, keep_result=0),
    func(release_lapsed_holds, name=JobName.RELEASE_LAPSED_HOLDS, keep_result=0),
    # Retried by the service (arq.Retry) while Stripe is unreachable.
    func(refund_order, name=JobName.REFUND_ORDER, keep_result=0, max_tries=8),
    func(offer_waitlist, name=JobName.OFFER_WAITLIST, keep_result=0),
    func(erase_passport_numbers, name=JobName.ERASE_PASSPORT_NUMBERS, keep_result=0),
]

CRON_JOBS = [
    # Daily at 01:05 UTC (09:05 in Beijing); a draft is reminded at most once per deadline.
    cron(remind_drafts, name=f"cron:{JobName.REMIND_DRAFTS}", hour={1}, minute={5}),
    # Daily at 01:35 UTC; a judge is reminded at most once a day per round.
    cron(remind_judges, name=f"cron:{JobName.REMIND_JUDGES}", hour={1}, minute={35}),
    cron(refill_declined, name=f"cron:{JobName.REFILL_DECLINED}", minute={41}),
    cron(purge_expired_sessions, name=f"cron:{JobName.PURGE_EXPIRED_SESSIONS}", hour={4}, minute={17}),
    # Daily at 02:15 UTC (10:15 in Beijing): follow-up surveys due, reminders, expiries (each mail once).
    cron(send_outcome_surveys, name=f"cron:{JobName.SEND_OUTCOME_SURVEYS}", hour={2}, minute={15}),
    # Daily at 03:25 UTC: funding figures still waiting for a rate, or for a changed reporting currency.
    cron(recompute_funding_fx, name=f"cron:{JobName.RECOMPUTE_FUNDING_FX}", hour={3}, minute={25}),
    cron(
        release_stale_notifications,
        name=f"cron:{JobName.RELEASE_STALE_NOTIFICATIONS}",
        minute=set(range(3, 60, 10)),
        run_at_startup=True,
    ),
    # Every minute: holds and waitlist offers that lapsed (and at once when a buyer is refused while lapsed
    # holds still count).
    cron(release_lapsed_holds, name=f"cron:{JobName.RELEASE_LAPSED_HOLDS}", run_at_startup=True),
    # Daily at 00:40 UTC: visa requests' passport numbers, VISA_ERASE_DAYS after their summit ended.
    cron(erase_passport_numbers, name=f"cron:{JobName.ERASE_PASSPORT_NUMBERS}", hour={0}, minute={40}),
]

JOBS = JobRegistry(functions=FUNCTIONS, cron_jobs=CRON_JOBS)
