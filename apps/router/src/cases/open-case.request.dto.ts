import { CanonicalUuid } from '#platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';

/** Open a case under a model from one or more signals of one municipality. */
export class OpenCaseRequestDto {
  @ApiProperty({ example: 'ave', description: 'Model id (GET /v1/models)' })
  @Matches(/^[a-z0-9-]{1,100}$/)
  model: string;

  @ApiPropertyOptional({ example: 1, description: "Pin a specific version; defaults to the latest version for the signals' municipality (422 MODEL.NOT_FOR_MUNICIPALITY for a version limited to other municipalities)" })
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000)
  modelVersion?: number;

  @ApiProperty({ type: [String], format: 'uuid', description: 'Signals from the triage queue, all of one municipality' })
  @CanonicalUuid() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @ArrayUnique() @IsUUID('all', { each: true })
  signalIds: string[];

  @ApiPropertyOptional({ format: 'uuid', description: 'The subject (person, address, business, youth group) the case is about' })
  @CanonicalUuid() @IsOptional() @IsUUID('all')
  subjectId?: string;
}
