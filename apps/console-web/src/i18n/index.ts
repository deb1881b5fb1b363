import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { ko } from './ko';

export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'ko', label: '한국어' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];
export const DEFAULT_LANGUAGE: Language = 'en';
/** Where the choice of language is remembered (nothing else of the console is stored). */
export const LANGUAGE_STORAGE_KEY = 'site11-console-language';

export const resources = { en: { translation: en }, ko: { translation: ko } } as const;

export function isLanguage(value: unknown): value is Language {
  return LANGUAGES.some((language) => language.code === value);
}

function storedLanguage(): Language {
  try {
    const stored = globalThis.localStorage?.getItem(LANGUAGE_STORAGE_KEY);
    return isLanguage(stored) ? stored : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE;
  }
}

/**
 * An i18next instance with both languages bundled (they are small): English unless another
 * language was chosen before. Switching language remembers it and sets `<html lang>`.
 */
export function createI18n(language: Language = storedLanguage()): I18n {
  const instance = i18next.createInstance();
  instance.use(initReactI18next);
  void instance.init({
    resources,
    lng: language,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: LANGUAGES.map((l) => l.code),
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  const apply = (lng: string) => {
    if (typeof document !== 'undefined') document.documentElement.lang = lng;
  };
  apply(language);
  instance.on('languageChanged', (lng) => {
    apply(lng);
    try {
      globalThis.localStorage?.setItem(LANGUAGE_STORAGE_KEY, lng);
    } catch {
      // storage disabled: the choice lasts this page only
    }
  });
  return instance;
}
