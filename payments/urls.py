from django.urls import path, re_path

from payments import views

app_name = "payments"
urlpatterns = [
    path("contracts/", views.contracts, name="contracts"),
    path("contracts/<int:pk>/", views.contract, name="contract"),
    path("contracts/<int:pk>/prices/", views.propose_prices, name="propose_prices"),
    path("statements/<int:pk>/", views.statement, name="statement"),
    path("statements/<int:pk>/agree/", views.agree, name="agree"),
    path("statements/<int:pk>/challenge/", views.challenge, name="challenge"),
    path("statements/challenges/<int:pk>/answer/", views.answer, name="answer"),
    re_path(r"^statements/(?P<pk>\d+)\.(?P<fmt>csv|xlsx|pdf)$", views.download, name="download"),
    path("statements/<int:pk>/cases/<slug:grouping>/", views.line_cases, name="line_cases"),
]
