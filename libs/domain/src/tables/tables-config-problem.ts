/** One thing wrong with a configuration: where (a path such as `tables[0].profile.fields.ave[2]`) and what. */
export interface TablesConfigProblem {
  path: string;
  message: string;
  /** A stable code for the kind of problem, where one is defined (the calendars': `CALENDAR_ERRORS`). */
  code?: string;
}
