app_name = "preferencing"
urlpatterns = []
