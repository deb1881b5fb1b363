import { createTheme } from '@mantine/core';

/** Mantine's defaults (contrast-checked), with the system font stack: no web fonts (CSP font-src 'self'). */
export const theme = createTheme({
  primaryColor: 'blue',
  defaultRadius: 'sm',
  fontFamily:
    '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", Helvetica, Arial, sans-serif',
});
