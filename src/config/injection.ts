/** Nest's injection token for the process's validated Config (a value, not a class). */
export const CONFIG = Symbol('CONFIG');
