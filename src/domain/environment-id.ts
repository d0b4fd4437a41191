/** An environment's ID, chosen by the operator: 1-63 characters of a-z, 0-9, _ and -, starting with a letter or digit. */
export const ENVIRONMENT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
