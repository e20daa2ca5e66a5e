import type { MessageCatalog } from "./en";
import { settingsAr } from "./areas/settings.ar";

/**
 * العربية (right to left). Partial: the shell (header, navigation, login) and the settings page; every other key
 * falls back to English until its catalog is written.
 */
export const ar: Partial<MessageCatalog> = {
  ...settingsAr,
  "common.loading": "جارٍ التحميل…",
  "common.retry": "أعد المحاولة",
  "common.refresh": "تحديث",
  "common.cancel": "إلغاء",
  "common.actions": "إجراءات",
  "common.never": "أبدًا",
  "common.networkError": "تعذّر الوصول إلى البوابة. تحقّق من أن OmniRoute يعمل.",
  "common.unexpectedError": "حدث خطأ ما.",

  "header.skipToContent": "انتقل إلى المحتوى",
  "header.openMenu": "افتح القائمة",
  "header.closeMenu": "أغلق القائمة",
  "header.language": "اللغة",
  "header.switchToDark": "التبديل إلى المظهر الداكن",
  "header.switchToLight": "التبديل إلى المظهر الفاتح",
  "header.logout": "تسجيل الخروج",

  "nav.label": "التنقّل الرئيسي",
  "nav.status": "الحالة",
  "nav.providers": "المزوّدون",
  "nav.apiKeys": "مفاتيح API",

  "login.title": "تسجيل الدخول",
  "login.intro": "أدخل كلمة مرور المسؤول لإدارة هذه البوابة.",
  "login.password": "كلمة المرور",
  "login.submit": "دخول",
  "login.submitting": "جارٍ الدخول…",
  "login.wrongPassword": "كلمة المرور غير صحيحة.",
  "login.tooManyAttempts": "محاولات كثيرة جدًا. انتظر قليلًا ثم أعد المحاولة.",

  "notFound.title": "الصفحة غير موجودة",
  "notFound.message": "لا يوجد شيء على هذا العنوان.",
  "notFound.back": "اذهب إلى صفحة الحالة",
};
