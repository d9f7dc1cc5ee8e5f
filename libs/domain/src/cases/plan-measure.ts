import type { CalendarDate } from '../calendar/calendar-date.js';

/** Kinds of measure in a plan van aanpak: the integral approach combines all four. */
export const MEASURE_TYPES = ['strafrechtelijk', 'bestuursrechtelijk', 'fiscaal', 'zorg'] as const;
export type MeasureType = (typeof MEASURE_TYPES)[number];

/** True when `value` is one of {@link MEASURE_TYPES}. */
export function isMeasureType(value: unknown): value is MeasureType {
  return (MEASURE_TYPES as readonly unknown[]).includes(value);
}

/** One measure of a plan van aanpak. */
export interface PlanMeasure {
  type: MeasureType;
  description: string;
  /** The partner or person who carries it out (`politie`, `afdeling-vergunningen`). */
  owner: string;
  dueDate: CalendarDate;
}
