/** The account every request acts as until authentication exists. Fixed, so every database agrees on it. */
export const DEMO_ACCOUNT_ID = "00000000-0000-4000-8000-000000000001";
export const DEMO_ACCOUNT_NAME = "Demo";
