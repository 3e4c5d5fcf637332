"""Enterprise accounts: sign-up, sign-in and out, passwords, the enterprise profile, members and invitations."""
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from .views import accounts

app_name = "accounts"

FORM_PAGE = "applications/accounts/form_page.html"
MESSAGE_PAGE = "applications/accounts/message_page.html"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="applications/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", accounts.RegisterView.as_view(), name="register"),
    path("password/change/", auth_views.PasswordChangeView.as_view(
        template_name=FORM_PAGE, success_url=reverse_lazy("accounts:password_change_done"),
        extra_context={"submit_label": _("修改密码")}), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name=MESSAGE_PAGE, extra_context={"message": _("您的密码已修改。")}), name="password_change_done"),
    path("password/reset/", auth_views.PasswordResetView.as_view(
        template_name=FORM_PAGE, email_template_name="applications/accounts/password_reset_email.txt",
        subject_template_name="applications/accounts/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done"),
        extra_context={"submit_label": _("发送重置邮件"),
                       "intro": _("请输入注册时填写的个人邮箱，我们会发送一封含有重置链接的邮件。")}),
        name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name=MESSAGE_PAGE, extra_context={"message": _(
            "如果该邮箱对应一个账号，重置密码的邮件已经发出。请查收邮件（也请查看垃圾邮件），按邮件中的链接设置新密码。")}),
        name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name=FORM_PAGE, success_url=reverse_lazy("accounts:password_reset_complete"),
        extra_context={"submit_label": _("设置新密码")}), name="password_reset_confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name=MESSAGE_PAGE, extra_context={"message": _("新密码已设置，请用新密码登录。"), "login_link": True}),
        name="password_reset_complete"),
    path("enterprise/", accounts.EnterpriseDetailView.as_view(), name="enterprise"),
    path("enterprise/edit/", accounts.EnterpriseEditView.as_view(), name="enterprise_edit"),
    path("enterprise/invitations/new/", accounts.InvitationCreateView.as_view(), name="invitation_create"),
    path("enterprise/invitations/<int:pk>/revoke/", accounts.InvitationRevokeView.as_view(), name="invitation_revoke"),
    path("enterprise/members/<int:pk>/role/", accounts.MemberRoleView.as_view(), name="member_role"),
    path("enterprise/members/<int:pk>/remove/", accounts.MemberRemoveView.as_view(), name="member_remove"),
    path("invitations/<str:token>/", accounts.InvitationAcceptView.as_view(), name="invitation_accept"),
]
