/** Nest's injection token for the process's TypeORM DataSource. */
export const DATA_SOURCE = Symbol('DATA_SOURCE');
