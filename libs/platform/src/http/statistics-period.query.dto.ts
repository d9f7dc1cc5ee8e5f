import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

/** The municipality and period of a statistics request (signals, cases, tables); days are Dutch calendar days, both ends included. */
export class StatisticsPeriodQueryDto {
  @ApiProperty({ example: 'GM0153' })
  @Matches(/^GM\d{4}$/)
  municipality: string;

  @ApiPropertyOptional({ example: '2026-01-01', description: 'First day (Europe/Amsterdam), included; default: no lower bound' })
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/)
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Last day (Europe/Amsterdam), included; default: no upper bound' })
  @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/)
  to?: string;
}
