import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsObject, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { REPORTER_RELATIONS, URGENCIES, type ReporterRelation, type Urgency } from '#domain';
import { LocationRequestDto } from './location.request.dto.js';

/** The person the report is about (special-category data when combined with the concern). */
export class ZorgSubjectRequestDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ example: '1980-05-17' }) @IsOptional() @IsString() @MaxLength(10)
  birthDate?: string;

  @ApiPropertyOptional({ example: '111222333', description: 'Burgerservicenummer; must pass the 11-proef' })
  @IsOptional() @IsString() @MaxLength(9)
  bsn?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  address?: string;
}

/** Who reports. Shielded: stored in the reporter vault; only the relation travels with the signal. */
export class ZorgReporterRequestDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;

  @ApiProperty({ description: 'Phone number or e-mail address' }) @IsString() @IsNotEmpty() @MaxLength(200)
  contact: string;

  @ApiProperty({ enum: REPORTER_RELATIONS }) @IsIn(REPORTER_RELATIONS as readonly string[])
  relation: ReporterRelation;
}

/** A report about a person with worrying behaviour, possibly a Wvggz melding. */
export class ReceiveZorgmeldingSignalRequestDto {
  @ApiPropertyOptional({ description: "The sender's own reference; a resend with it gets the same signal id. When given it must have something visible in it (SIGNAL.FIELD_INVALID, reason blank)" })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  externalRef?: string;

  @ApiPropertyOptional({ example: '2026-11-20T10:15:00+01:00' }) @IsOptional() @IsString() @MaxLength(40)
  receivedAt?: string;

  @ApiProperty({ type: ZorgSubjectRequestDto })
  @IsDefined() @IsObject() @ValidateNested() @Type(() => ZorgSubjectRequestDto)
  subject: ZorgSubjectRequestDto;

  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(20_000)
  concern: string;

  @ApiProperty({ enum: URGENCIES }) @IsIn(URGENCIES as readonly string[])
  urgency: Urgency;

  @ApiProperty({ description: 'True for a melding under the Wet verplichte ggz' }) @IsBoolean()
  wvggz: boolean;

  @ApiProperty({ type: LocationRequestDto })
  @IsDefined() @IsObject() @ValidateNested() @Type(() => LocationRequestDto)
  location: LocationRequestDto;

  @ApiProperty({ type: ZorgReporterRequestDto })
  @IsDefined() @IsObject() @ValidateNested() @Type(() => ZorgReporterRequestDto)
  reporter: ZorgReporterRequestDto;
}
