from django.urls import path

from . import channel_views

# Where notifications reach people (issue 16): everyone's 通知方式; the office's 群机器人 and 发送记录.
urlpatterns: list = [
    path("notifications/channels/", channel_views.channel_preferences, name="channel_preferences"),
    path("channels/robots/", channel_views.robot_list, name="robot_list"),
    path("channels/robots/<int:pk>/", channel_views.robot_edit, name="robot_edit"),
    path("channels/robots/<int:pk>/deactivate/", channel_views.robot_deactivate, name="robot_deactivate"),
    path("channels/robots/<int:pk>/test/", channel_views.robot_test, name="robot_test"),
    path("channels/deliveries/", channel_views.delivery_list, name="delivery_list"),
]
