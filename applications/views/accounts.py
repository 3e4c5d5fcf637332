"""Enterprise accounts: registration, the enterprise profile (一企一档), its members and invitations.

Who may do what: every member reads the profile, its members and the saved answers; the enterprise's admins
and its signatories (法定代表人/授权人) edit the profile; only admins invite, change roles and remove members.
Everything is found through the signed-in user's own enterprise, so another enterprise's rows are 404.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from ..forms.accounts import (
    EnterpriseProfileForm,
    InvitationForm,
    InvitationSignupForm,
    MemberRoleForm,
    RegistrationForm,
    city_choices,
)
from ..models import Invitation, Membership
from ..selectors import (
    enterprise_answers,
    enterprise_members,
    enterprise_of,
    invitation_by_token_hash,
    invitations_pending,
    membership_of,
)
from ..services import (
    AccountError,
    CreditCodeTaken,
    InvitationInvalid,
    UsernameTaken,
    enterprise_profile_update,
    enterprise_register,
    invitation_accept,
    invitation_check,
    invitation_create,
    invitation_revoke,
    membership_change_role,
    membership_remove,
    now,
    token_hash,
)

PROFILE = reverse_lazy("accounts:enterprise")


class RegisterView(FormView):
    template_name = "applications/accounts/register.html"
    form_class = RegistrationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            messages.info(request, _("您已登录。如需为另一家企业注册，请先退出登录。"))
            return redirect(PROFILE if enterprise_of(request.user) else "incentives:home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            membership = enterprise_register(username=data["username"], password=data["password1"],
                                             email=data["user_email"], full_name=data["full_name"],
                                             role=data["role"], profile=form.profile())
        except CreditCodeTaken as error:
            form.add_error("credit_code", error.message)
            return self.form_invalid(form)
        except UsernameTaken as error:
            form.add_error("username", error.message)
            return self.form_invalid(form)
        login(self.request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("注册成功，欢迎使用。您是“%(name)s”的管理员，可在企业档案中邀请同事加入。")
                         % {"name": membership.enterprise.name})
        return redirect(PROFILE)


class EnterpriseMixin(LoginRequiredMixin):
    """The signed-in user's own enterprise and membership; users of no enterprise get 404."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.enterprise = enterprise_of(request.user)
        self.membership = membership_of(request.user, self.enterprise)
        if self.membership is None:
            raise Http404(_("您的账号没有关联企业。"))
        return super().dispatch(request, *args, **kwargs)

    def require_admin(self):
        if not self.membership.is_admin:
            raise PermissionDenied(_("只有企业管理员可以管理成员和邀请。"))


class EnterpriseDetailView(EnterpriseMixin, TemplateView):
    template_name = "applications/accounts/enterprise_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            enterprise=self.enterprise, membership=self.membership, members=enterprise_members(self.enterprise),
            roles=Membership.Role.choices, city_label=dict(city_choices()).get(self.enterprise.city),
            answers=enterprise_answers(self.enterprise),
            invitations=invitations_pending(self.enterprise, now()) if self.membership.is_admin else [],
            events=self.enterprise.events.select_related("actor").order_by("-created_at", "-id")[:20]
            if self.membership.is_admin else [],
        )
        return context


class EnterpriseEditView(EnterpriseMixin, FormView):
    template_name = "applications/accounts/form_page.html"
    form_class = EnterpriseProfileForm
    extra_context = {"title": gettext_lazy("修改企业档案"),
                     "intro": gettext_lazy("统一社会信用代码是企业的身份，注册后不可更改。"
                                           "已提交的申报保留提交时的档案，不受此处修改影响。")}

    def get(self, request, *args, **kwargs):
        self.check_may_edit()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_may_edit()
        return super().post(request, *args, **kwargs)

    def check_may_edit(self):
        if not self.membership.may_edit_profile:
            raise PermissionDenied(_("只有企业管理员或法定代表人/授权人可以修改企业档案。"))

    def get_initial(self):
        return {field: getattr(self.enterprise, field) for field in EnterpriseProfileForm.profile_fields}

    def get_context_data(self, **kwargs):
        return super().get_context_data(enterprise=self.enterprise, **kwargs)

    def form_valid(self, form):
        enterprise_profile_update(enterprise_id=self.enterprise.pk, changes=form.profile(), by=self.request.user)
        messages.success(self.request, _("企业档案已保存。"))
        return redirect(PROFILE)


class AdminView(EnterpriseMixin, View):
    """A POST-only action of an enterprise admin on something of their own enterprise."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.require_admin()
        try:
            self.act(request, **kwargs)
        except AccountError as error:
            messages.error(request, error.message)
        return redirect(PROFILE)


class InvitationCreateView(EnterpriseMixin, FormView):
    template_name = "applications/accounts/form_page.html"
    form_class = InvitationForm
    extra_context = {"title": gettext_lazy("邀请同事加入"),
                     "intro": gettext_lazy("对方会收到一封含有一次性链接的邮件，"
                                           "用它创建账号（或登录后接受）即成为本企业成员。")}

    def get(self, request, *args, **kwargs):
        self.require_admin()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.require_admin()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        placeholder = "TOKEN"
        url = self.request.build_absolute_uri(reverse("accounts:invitation_accept", args=[placeholder]))
        try:
            invitation, _token = invitation_create(
                enterprise_id=self.enterprise.pk, email=form.cleaned_data["email"], role=form.cleaned_data["role"],
                by=self.request.user, accept_url=url.replace(placeholder, "{token}"))
        except AccountError as error:
            form.add_error("email", error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("邀请邮件已发送至 %(email)s，链接 %(days)d 天内有效。")
                         % {"email": invitation.email, "days": settings.INVITATION_EXPIRY_DAYS})
        return redirect(PROFILE)


class InvitationRevokeView(AdminView):
    def act(self, request, pk):
        invitation = get_object_or_404(Invitation, pk=pk, enterprise=self.enterprise)
        invitation_revoke(invitation_id=invitation.pk, by=request.user)
        messages.success(request, _("已撤销对 %(email)s 的邀请。") % {"email": invitation.email})


class MemberRoleView(AdminView):
    def act(self, request, pk):
        member = get_object_or_404(Membership, pk=pk, enterprise=self.enterprise)
        form = MemberRoleForm(request.POST)
        if not form.is_valid():
            raise AccountError(_("请选择有效的角色。"))
        membership_change_role(membership_id=member.pk, role=form.cleaned_data["role"],
                               is_admin=form.cleaned_data["is_admin"], by=request.user)
        messages.success(request, _("已更新 %(user)s 的角色。") % {"user": member.user.get_username()})


class MemberRemoveView(AdminView):
    def act(self, request, pk):
        member = get_object_or_404(Membership, pk=pk, enterprise=self.enterprise)
        membership_remove(membership_id=member.pk, by=request.user)
        messages.success(request, _("已将 %(user)s 移出本企业。") % {"user": member.user.get_username()})


class InvitationAcceptView(TemplateView):
    """The emailed link: a new person creates an account, a signed-in one accepts; used or expired links say so."""

    template_name = "applications/accounts/invitation_accept.html"

    def dispatch(self, request, *args, **kwargs):
        self.token = kwargs["token"]
        try:
            self.invitation = invitation_check(invitation_by_token_hash(token_hash(self.token)), now())
        except InvitationInvalid as error:
            return self.refused(error)
        response = super().dispatch(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"  # the token in this address goes to no other site
        return response

    def refused(self, error: InvitationInvalid):
        response = self.response_class(request=self.request, template="applications/accounts/invitation_invalid.html",
                                       context={"message": error.message},
                                       status=404 if error.code == "unknown" else 410)
        response["Referrer-Policy"] = "same-origin"
        return response

    def signup_form(self, data=None):
        return InvitationSignupForm(data, email=self.invitation.email)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(invitation=self.invitation, enterprise=self.invitation.enterprise,
                       current=enterprise_of(self.request.user))
        if not self.request.user.is_authenticated:
            context.setdefault("form", kwargs.get("form") or self.signup_form())
        return context

    def post(self, request, *args, **kwargs):
        form = None
        try:
            if request.user.is_authenticated:
                membership = invitation_accept(token=self.token, by=request.user)
            else:
                form = self.signup_form(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(form=form))
                membership = invitation_accept(token=self.token, username=form.cleaned_data["username"],
                                               password=form.cleaned_data["password1"],
                                               full_name=form.cleaned_data["full_name"])
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        except InvitationInvalid as error:
            return self.refused(error)
        except UsernameTaken as error:
            form.add_error("username", error.message)
            return self.render_to_response(self.get_context_data(form=form))
        except AccountError as error:
            return self.render_to_response(self.get_context_data(error=error.message))
        messages.success(request, _("您已加入“%(name)s”，角色：%(role)s。")
                         % {"name": membership.enterprise.name, "role": membership.get_role_display()})
        return redirect(PROFILE)
