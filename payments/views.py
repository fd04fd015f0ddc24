"""Contract and statement pages for the two parties: an ICB's commissioners and the provider's service
managers, each only their own contracts (payments.selectors); the cases behind a line for the provider."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import AuthenticatedRequest, for_roles
from accounts.audit import Action, record
from accounts.models import Role
from camhs_pbr.runs.wording import UNREACHABLE_NOW
from payments import financial_year, price_evidence, runs, selectors, services, statement_files
from reports.periods import Month

contract_page = for_roles(
    (Role.COMMISSIONER, Role.SERVICE_MANAGER),
    "Contracts and statements are for the two parties: the ICB's commissioners and the provider's service "
    "managers, each for their own contracts.",
)
provider_page = for_roles(
    (Role.SERVICE_MANAGER,),
    "The cases behind a statement line and the answers to challenges are for the provider's service managers.",
)
FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@contract_page
@require_GET
def contracts(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "payments/contracts.html", {"contracts": selectors.contracts_for(request.user)})


@contract_page
@require_http_methods(["GET", "POST"])
def contract(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The contract's terms, plan and prices, its statements, and a form to compute a month's statement."""
    found = selectors.contract_for(request.user, pk)
    if request.method == "POST":
        try:
            month = Month.of(request.POST.get("period", ""))
            statement = runs.request_statement(contract=found, month=month, by=request.user)
        except ValueError as error:  # not a month, or outside the contract's year
            messages.error(request, str(error))
            return redirect("payments:contract", pk=pk)
        what = f"The statement of {month.label()}"
        if statement.refused_at:
            messages.warning(request, f"{what} is queued but not yet sent. {UNREACHABLE_NOW}")
        else:
            messages.success(request, f"{what} is being computed.")
        return redirect("payments:statement", pk=statement.pk)
    prices = dict(found.price_list.lines.values_list("grouping", "price"))
    plan = dict(found.plan.values_list("grouping", "planned_months"))
    groupings = sorted(set(prices) | set(plan), key=lambda code: (code == "UNGROUPED", code))
    context = {
        "contract": found,
        "terms": [(code, plan.get(code), prices.get(code)) for code in groupings],
        "statements": found.statements.order_by("-period", "-version"),
        "months": [m.label() for m in financial_year.months_of(found.financial_year)],
    }
    return render(request, "payments/contract.html", context)


@contract_page
@require_GET
def statement(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = selectors.statement_for(request.user, pk)
    side = "commissioner" if request.user.role == Role.COMMISSIONER else "provider"
    lines = selectors.lines_with_differences(found)
    context = {
        "statement": found,
        "contract": found.contract,
        "side": side,
        "lines": lines,
        "totals": statement_files.totals(found, [item.line for item in lines]),
        "challenges": found.challenges.select_related("raised_by", "answered_by"),
        "may_agree": found.computed
        and found.status == "done"
        and not found.agreed
        and getattr(found, f"{side}_agreed_at") is None,
        "in_progress": found.unfinished,
        "downloads": [(fmt.upper(), reverse("payments:download", args=[found.pk, fmt])) for fmt in FORMATS],
    }
    return render(request, "payments/statement.html", context)


@contract_page
@require_POST
def agree(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = selectors.statement_for(request.user, pk)
    try:
        agreed = services.agree_statement(statement=found, by=request.user)
    except services.StatementRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            "Agreed by both sides: the statement is final."
            if agreed.agreed
            else "Your agreement is recorded.",
        )
    return redirect("payments:statement", pk=pk)


@contract_page
@require_POST
def challenge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = selectors.statement_for(request.user, pk)
    try:
        services.challenge_line(
            statement=found,
            grouping=request.POST.get("grouping", ""),
            reason=request.POST.get("reason", ""),
            by=request.user,
        )
    except services.StatementRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Your challenge is recorded; the provider will answer it here.")
    return redirect("payments:statement", pk=pk)


@provider_page
@require_POST
def answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = selectors.challenge_for(request.user, pk)
    try:
        services.answer_challenge(challenge=found, answer=request.POST.get("answer", ""), by=request.user)
    except services.StatementRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Your answer is recorded.")
    return redirect("payments:statement", pk=found.statement_id)


@contract_page
@require_GET
def download(request: AuthenticatedRequest, pk: int, fmt: str) -> HttpResponse:
    found = selectors.statement_for(request.user, pk)
    if not found.computed:
        messages.error(request, "The statement has not been computed yet: there is nothing to download.")
        return redirect("payments:statement", pk=pk)
    if fmt == "csv":  # a few lines: written whole
        response = HttpResponse("".join(statement_files.csv_lines(found)), content_type=FORMATS[fmt])
    elif fmt == "xlsx":
        response = HttpResponse(statement_files.xlsx_bytes(found), content_type=FORMATS[fmt])
    else:
        response = HttpResponse(statement_files.pdf_bytes(found), content_type=FORMATS[fmt])
    name = f"statement-{found.contract.reference}-{found.period:%Y-%m}-v{found.version}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    record(Action.EXPORT_STATEMENT, by=request.user, target=found)
    return response


@provider_page
@require_GET
def line_cases(request: AuthenticatedRequest, pk: int, grouping: str) -> HttpResponse:
    """The provider's validation list: the cases behind one line, through the one scoping rule."""
    found = selectors.statement_for(request.user, pk)
    cases = selectors.cases_of_line(request.user, found, grouping)
    record(Action.VIEW_STATEMENT_CASES, by=request.user, target=found)
    return render(
        request, "payments/line_cases.html", {"statement": found, "grouping": grouping, "cases": cases}
    )


@provider_page
@require_http_methods(["GET", "POST"])
def propose_prices(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Prices proposed from the provider's costs of the episodes closed in the 12 months to a month; each
    line accepted as proposed, edited, or rejected (its current price kept): a new price list version."""
    found = selectors.contract_for(request.user, pk)
    month = _month_before_or(request.GET.get("period") or request.POST.get("period"))
    proposals = price_evidence.proposals_for(found.commissioner_id, found.provider_id, month)
    if request.method == "POST":
        chosen, problems = {}, []
        for proposal in proposals:
            if not request.POST.get(f"use-{proposal.grouping}"):
                continue  # rejected: the current price stays
            text = request.POST.get(f"price-{proposal.grouping}", "").strip().lstrip("£").replace(",", "")
            try:
                chosen[proposal.grouping] = Decimal(text)
            except InvalidOperation:
                problems.append(f"{proposal.grouping}: {text!r} is not an amount in pounds.")
        if not problems and not chosen:
            problems.append("Tick at least one line to use, or leave the prices as they are.")
        if not problems:
            try:
                made = services.adopt_prices(
                    contract=found,
                    prices=chosen,
                    source=f"proposed from costs to {month.label()}",
                    by=request.user,
                )
            except services.StatementRefused as refusal:
                problems.append(str(refusal))
            else:
                messages.success(
                    request, f"Prices version {made.version} made and used by {found.reference}."
                )
                return redirect("payments:contract", pk=pk)
        for problem in problems:
            messages.error(request, problem)
    current = found.price_list.prices()
    context = {
        "contract": found,
        "month": month,
        "rows": [(p, current.get(p.grouping)) for p in proposals],
    }
    return render(request, "payments/propose_prices.html", context)


def _month_before_or(text: str | None) -> Month:
    try:
        return Month.of(text) if text else Month.containing(timezone.localdate()).previous()
    except ValueError:
        return Month.containing(timezone.localdate()).previous()
