import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { POLICE_REPORT_OUTCOMES, type PoliceReportOutcome } from '#domain';
import { IsNotBlank } from '#platform';

/** What the police did with an escalation, reported back by a liaison; the coordinator sees it with the escalation. */
export class ReportBackRequestDto {
  @ApiProperty({ enum: POLICE_REPORT_OUTCOMES, example: 'actie-ondernomen' })
  @IsIn(POLICE_REPORT_OUTCOMES)
  outcome!: PoliceReportOutcome;

  @ApiProperty({ example: 'Wijkagent is langs geweest; afspraak met de bewoner gemaakt', minLength: 1, maxLength: 2000 })
  @IsString() @IsNotBlank() @MaxLength(2000)
  text!: string;
}
