import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** Move a case along a named transition of its model; what is required depends on the transition. */
export class TakeTransitionRequestDto {
  @ApiProperty({ example: 'opschalen-ave-2', description: 'One of the case\'s allowedTransitions' })
  @Matches(/^[a-z0-9-]{1,100}$/)
  transition: string;

  @ApiPropertyOptional({ description: "Why (required by most transitions: CASE.REASON_REQUIRED). On a case whose personal data was erased it is required as always but not stored: the event records reasonWithheld 'erased'" })
  @IsOptional() @IsString() @MaxLength(5000)
  reason?: string;

  @ApiPropertyOptional({ example: 'stagnatie', description: 'AVE opschalen: stagnatie, complexiteit or veiligheid' })
  @IsOptional() @IsString() @MaxLength(100)
  reasonCategory?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: "Values for the transition's declared fields; any other field is refused (CASE.FIELD_UNKNOWN). Stored sealed under the case's data key, every value (the history and the auditor's as-of show them as given). On a case whose personal data was erased they are read as always (required, guards) but not stored: the event names them with null values and records fieldsWithheld 'erased'" })
  @IsOptional() @IsObject()
  fields?: Record<string, unknown>;
}
