"""Measurement views: start, one screen per question, summary, complete, correct.

Every view reaches its resident through the policy layer; the perspective a user may fill in
and what they may do with it come from the capabilities in ``wattelt.policy``."""

from __future__ import annotations

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError, generate_csrf

from wattelt import db
from wattelt.extensions import csrf
from wattelt.forms import EmptyForm, choices, version_of
from wattelt.measurements import bp, services
from wattelt.measurements.forms import (
    MODE_LABELS,
    PRESENT_LABELS,
    CorrectionForm,
    StartForm,
    StepForm,
)
from wattelt.measurements.presenting import answer_choices, answer_from_key, key_of, summary_rows
from wattelt.models import PERSPECTIVES, Measurement, Role
from wattelt.policy import (
    Action,
    log_denied,
    may_complete_round,
    may_correct_answer,
    may_fill_in,
    may_start_round,
    may_stop_round,
    needed_to_open_measurement,
    perspectives_to_fill,
    require_role,
    resident_or_404,
    sees_corrections,
    shown_perspectives,
)
from wattelt.questionnaires.loader import registry
from wattelt.rounds.previous import previous_answers


def _language() -> str:
    return str(get_locale() or "nl")


def _load(measurement_id: int, what: str, action: Action | None = None):
    """The measurement and its resident, or 404 (logged) when the user may not see them."""
    measurement = db.session().get(Measurement, measurement_id)
    if measurement is None:
        log_denied(current_user, None, what)
        abort(404)
    if action is None:
        action = needed_to_open_measurement(current_user)
    resident = resident_or_404(current_user, measurement.resident_id, action, what)
    return measurement, resident


@bp.route("/residents/<id:resident_id>/measurements/new", methods=["GET", "POST"])
@require_role(Role.COACH)
def start(resident_id: int):
    resident = resident_or_404(current_user, resident_id, may_start_round, "measurement start")
    draft = services.open_draft(db.session(), resident)
    form = StartForm()
    questionnaires = registry().latest_all()
    language = _language()
    form.questionnaire.choices = choices((q.key, q.title.get(language)) for q in questionnaires)
    if request.method == "GET":
        form.questionnaire.data = questionnaires[0].key
    form.optional_domains.choices = choices(
        (d.key, d.title.get(language)) for q in questionnaires for d in q.optional_domains
    )
    if form.validate_on_submit():
        try:
            measurement = services.start(
                db.session(),
                resident,
                current_user,
                form.questionnaire.data,
                form.optional_domains.data or [],
                form.present.data,
                form.mode.data,
            )
        except services.DraftExists as exists:
            draft = exists.draft
            flash(_("There is already a measurement that is not finished."), "error")
            return render_template(
                "measurements/start.html",
                form=form,
                resident=resident,
                draft=draft,
                questionnaires=questionnaires,
                language=language,
                stop_form=EmptyForm(),
            ), 409
        except services.NoAccount:
            form.mode.errors.append(
                _(
                    "This resident has no account yet. Make a login link first, or fill it in "
                    "together on this device."
                )
            )
        except ValueError:
            form.optional_domains.errors.append(
                _("This extra life domain is not part of that questionnaire.")
            )
        else:
            if measurement.mode == "own_device":
                flash(
                    _(
                        "The measurement is ready. The resident can now fill it in on their own account."
                    ),
                    "success",
                )
                return redirect(url_for("residents.detail", resident_id=resident.id))
            return redirect(
                url_for(
                    "measurements.fill",
                    measurement_id=measurement.id,
                    perspective="resident",
                    step=1,
                )
            )
    return render_template(
        "measurements/start.html",
        form=form,
        resident=resident,
        draft=draft,
        questionnaires=questionnaires,
        language=language,
        stop_form=EmptyForm(),
    ), 400 if form.errors else 200


@bp.route("/measurements/<id:measurement_id>/fill/<perspective>")
@login_required
def resume(measurement_id: int, perspective: str):
    measurement, _resident = _load(measurement_id, "measurement resume")
    step = max(
        1, services.resume_step(measurement, perspective) if perspective in PERSPECTIVES else 1
    )
    return redirect(
        url_for(
            "measurements.fill", measurement_id=measurement.id, perspective=perspective, step=step
        )
    )


def _step_context(measurement, resident, perspective: str, step: int):
    screens = services.items(measurement)
    if not may_fill_in(db.session(), current_user, measurement, resident, perspective):
        abort(403)
    if not 1 <= step <= len(screens):
        abort(404)
    return screens, screens[step - 1]


def _token_is_stale() -> bool:
    """The CSRF check of ``CSRFProtect``, done here: on a question screen a stale token (the
    session ended and began again) must not end on an error page with the answer gone."""
    if request.method != "POST" or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return False
    try:
        csrf.protect()
    except CSRFError:
        return True
    return False


@bp.route(
    "/measurements/<id:measurement_id>/fill/<perspective>/<int:step>", methods=["GET", "POST"]
)
@csrf.exempt  # checked in the view by _token_is_stale, with the same rules
@login_required
def fill(measurement_id: int, perspective: str, step: int):
    measurement, resident = _load(measurement_id, "measurement answer")
    if perspective not in PERSPECTIVES:
        abort(404)
    session = db.session()
    autosave = request.headers.get("X-Wattelt-Autosave") == "1"
    if measurement.status != "draft":
        if autosave:
            return jsonify(saved=False, locked=True), 409
        if request.method == "POST":
            return _locked_response(measurement)
        return redirect(url_for("measurements.summary", measurement_id=measurement.id))
    screens, item = _step_context(measurement, resident, perspective, step)
    questionnaire = services.questionnaire_of(measurement)
    language = _language()
    existing = services.answers(session, measurement, perspective).get(item.key)
    form = StepForm(obj=None)
    form.answer.choices = answer_choices(questionnaire, item, language)
    if request.method == "GET":
        services.remember_step(session, measurement, perspective, step)
        if existing is not None:
            form.answer.data = key_of(existing)
            form.wants_to_talk.data = existing.wants_to_talk
            form.wants_to_work.data = existing.wants_to_work
            form.note.data = existing.note
        form.version.data = existing.version if existing else 0
    conflict = None
    if _token_is_stale():
        if autosave:
            # The page sends it again with this token, which belongs to the session as it is now.
            return jsonify(saved=False, csrf_token=generate_csrf()), 400
        # Shown again with what was chosen, and a new token: pressing Next once more saves it.
        return _render_step(
            form,
            measurement,
            resident,
            perspective,
            step,
            screens,
            item,
            questionnaire,
            stale=True,
        ), 400
    if request.method == "POST":
        if autosave and request.form.get("action") == "keepalive":
            # Someone is busy on this screen: the request itself keeps the session going.
            return jsonify(saved=False, alive=True)
        if not form.validate_on_submit():
            if autosave:
                return jsonify(saved=False, errors=form.errors), 400
            return _render_step(
                form, measurement, resident, perspective, step, screens, item, questionnaire
            ), 400
        action = request.form.get("action", "next")
        given = (
            form.answer.data or form.wants_to_talk.data or form.wants_to_work.data or form.note.data
        )
        if action != "skip" and (given or existing is not None):
            value, special = answer_from_key(questionnaire, item, form.answer.data)
            try:
                expected = version_of(form.version.data)
                saved = services.save_answer(
                    session,
                    measurement,
                    perspective,
                    item.key,
                    value=value,
                    special=special,
                    wants_to_talk=bool(form.wants_to_talk.data) and not item.is_grade,
                    wants_to_work=bool(form.wants_to_work.data) and not item.is_grade,
                    note=form.note.data,
                    expected_version=expected,
                    user=current_user,
                )
            except (services.Conflict, ValueError) as error:
                conflict = getattr(error, "current", None)
                if autosave:
                    return jsonify(saved=False, conflict=True), 409
                form.version.data = conflict.version if conflict else 0
                return _render_step(
                    form,
                    measurement,
                    resident,
                    perspective,
                    step,
                    screens,
                    item,
                    questionnaire,
                    conflict=conflict or True,
                ), 409
            if autosave:
                return jsonify(saved=True, version=saved.version)
        elif autosave:
            return jsonify(saved=False)
        target = {"back": step - 1, "summary": len(screens) + 1}.get(action, step + 1)
        if target < 1:
            target = 1
        if target > len(screens):
            services.remember_step(session, measurement, perspective, len(screens))
            return redirect(
                url_for(
                    "measurements.summary", measurement_id=measurement.id, perspective=perspective
                )
            )
        services.remember_step(session, measurement, perspective, target)
        return redirect(
            url_for(
                "measurements.fill",
                measurement_id=measurement.id,
                perspective=perspective,
                step=target,
            )
        )
    return _render_step(
        form,
        measurement,
        resident,
        perspective,
        step,
        screens,
        item,
        questionnaire,
        conflict=conflict,
    )


def _render_step(
    form,
    measurement,
    resident,
    perspective,
    step,
    screens,
    item,
    questionnaire,
    conflict=None,
    stale=False,
):
    language = _language()
    return render_template(
        "measurements/step.html",
        stale=stale,
        form=form,
        measurement=measurement,
        resident=resident,
        perspective=perspective,
        step=step,
        total=len(screens),
        item=item,
        questionnaire=questionnaire,
        language=language,
        conflict=conflict,
        conflict_label=_answer_label(questionnaire, item, conflict, language),
    )


def _answer_label(questionnaire, item, answer, language) -> str | None:
    if answer is None or answer is True:
        return None
    key = key_of(answer)
    for choice in answer_choices(questionnaire, item, language):
        if choice.value == key:
            return str(choice.label)
    return _("no answer")


def _locked_response(measurement):
    flash(
        _("This measurement is finished and locked. A professional can correct an answer."), "error"
    )
    return redirect(url_for("measurements.summary", measurement_id=measurement.id)), 303


@bp.route("/measurements/<id:measurement_id>/summary")
@login_required
def summary(measurement_id: int):
    measurement, resident = _load(measurement_id, "measurement summary", Action.VIEW)
    session = db.session()
    questionnaire = services.questionnaire_of(measurement)
    language = _language()
    mine = perspectives_to_fill(session, current_user, measurement, resident)
    # A network member sees their own view only; the others see all three side by side.
    shown = shown_perspectives(current_user, PERSPECTIVES)
    rows = summary_rows(
        questionnaire,
        services.items(measurement),
        services.answers_of(session, measurement, shown),
        shown,
        language,
    )
    perspective = (
        request.args.get("perspective")
        if request.args.get("perspective") in mine
        else (mine[0] if mine else None)
    )
    # Last time beside this time: the previous round, from the first perspective shown.
    previous, previous_words = previous_answers(session, measurement, shown[0], language)
    return render_template(
        "measurements/summary.html",
        previous=previous,
        previous_words=previous_words,
        previous_perspective=shown[0],
        measurement=measurement,
        resident=resident,
        questionnaire=questionnaire,
        rows=rows,
        shown=[p for p in shown if any(row["answers"].get(p) for row in rows) or p == "resident"],
        mine=mine,
        perspective=perspective,
        may_complete=measurement.status == "draft"
        and may_complete_round(session, current_user, measurement, resident),
        may_stop=measurement.status == "draft"
        and may_stop_round(session, current_user, measurement, resident),
        may_correct=measurement.status == "completed"
        and may_correct_answer(session, current_user, measurement, resident),
        corrections=services.corrections(session, measurement)
        if sees_corrections(current_user)
        else [],
        action_form=EmptyForm(),
        present_labels=PRESENT_LABELS,
        mode_labels=MODE_LABELS,
        language=language,
    )


@bp.route("/measurements/<id:measurement_id>/complete", methods=["POST"])
@login_required
def complete(measurement_id: int):
    measurement, resident = _load(measurement_id, "measurement complete")
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not may_complete_round(db.session(), current_user, measurement, resident):
        abort(403)
    if services.complete(db.session(), measurement, current_user):
        flash(_("Well done! The measurement is finished and saved."), "success")
    else:
        flash(_("This measurement was already finished."), "info")
    return redirect(url_for("measurements.summary", measurement_id=measurement.id))


@bp.route("/measurements/<id:measurement_id>/stop", methods=["POST"])
@require_role(Role.COACH)
def stop(measurement_id: int):
    measurement, resident = _load(measurement_id, "measurement stop", Action.CHANGE)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not may_stop_round(db.session(), current_user, measurement, resident):
        abort(403)
    if services.stop(db.session(), measurement, current_user):
        flash(
            _("The measurement is stopped. Its answers are kept, but it does not count."),
            "success",
        )
    else:
        flash(_("Only a measurement that is not finished can be stopped."), "error")
    return redirect(url_for("measurements.summary", measurement_id=measurement.id))


@bp.route(
    "/measurements/<id:measurement_id>/correct/<perspective>/<item_key>", methods=["GET", "POST"]
)
@require_role(Role.COACH)
def correct(measurement_id: int, perspective: str, item_key: str):
    measurement, resident = _load(measurement_id, "measurement correction", Action.CHANGE)
    if measurement.status != "completed" or perspective not in PERSPECTIVES:
        abort(404)
    session = db.session()
    if not may_correct_answer(session, current_user, measurement, resident):
        abort(403)
    item = next((i for i in services.items(measurement) if i.key == item_key), None)
    answer = services.answers(session, measurement, perspective).get(item_key)
    if item is None or answer is None:
        abort(404)
    questionnaire = services.questionnaire_of(measurement)
    form = CorrectionForm()
    form.answer.choices = answer_choices(questionnaire, item, _language())
    if request.method == "GET":
        form.answer.data = key_of(answer)
    if form.validate_on_submit():
        value, special = answer_from_key(questionnaire, item, form.answer.data)
        services.correct(
            session, measurement, answer, value, special, form.reason.data, current_user
        )
        flash(_("The answer is corrected. The old answer is kept in the history."), "success")
        return redirect(
            url_for("measurements.summary", measurement_id=measurement.id) + "#corrections"
        )
    return render_template(
        "measurements/correct.html",
        form=form,
        measurement=measurement,
        resident=resident,
        item=item,
        questionnaire=questionnaire,
        perspective=perspective,
        language=_language(),
    ), 400 if form.errors else 200
