import { createTheme, type CSSVariablesResolver, darken, DEFAULT_THEME, type MantineColorsTuple } from '@mantine/core';

/**
 * Mantine's palettes with their two darkest shades darkened, so every pairing the console uses
 * meets WCAG 2 AA (4.5:1): filled buttons and links use shade 8 (white on blue 8 is 5:1), the
 * light variants (alerts, badges, the active navigation link) put shade 9 on shade 1, and the
 * defaults (shade 6 filled, shade 9 on shade 1) measured 3.3-3.8:1 with axe in Chromium
 * (apps/console-web-e2e/src/accessibility.spec.ts).
 */
const colors = Object.fromEntries(
  Object.entries(DEFAULT_THEME.colors).map(([name, shades]) => {
    const palette = [...shades];
    palette[8] = darken(shades[8], 0.1);
    palette[9] = darken(shades[9], 0.3);
    return [name, palette as unknown as MantineColorsTuple];
  }),
);

export const theme = createTheme({
  colors,
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: 'sm',
  // the system font stack: no web fonts (CSP font-src 'self')
  fontFamily:
    '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", Helvetica, Arial, sans-serif',
});

/** Secondary text and error text dark enough to read (Mantine's defaults are gray 6 and red 6: 3.3:1). */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-6)',
  },
  dark: {},
});
