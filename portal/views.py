from django.utils.translation import check_for_language
from django.views import i18n

from portal.notifications.services import preference_language_set


def set_language(request):
    """Django's language switch, which also keeps the choice as the signed-in user's language
    for the emails they are sent."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and check_for_language(language):
        preference_language_set(user=request.user, language=language)
    return response
