import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsObject, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { INVOLVED_KINDS, type InvolvedKind } from '#domain';
import { LocationRequestDto } from './location.request.dto.js';

export class InvolvedPartyRequestDto {
  @ApiProperty({ enum: INVOLVED_KINDS })
  @IsIn(INVOLVED_KINDS as readonly string[])
  kind: InvolvedKind;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ description: 'KvK number, for businesses' }) @IsOptional() @IsString() @MaxLength(20)
  kvkNumber?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200)
  address?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(10)
  postcode?: string;
}

/** The employee who reports. Shielded: stored in the reporter vault, visible to coordinators of the municipality only. */
export class InternReporterRequestDto {
  @ApiProperty({ example: 'E12345' }) @IsString() @IsNotEmpty() @MaxLength(100)
  employeeId: string;

  @ApiProperty({ example: 'Vergunningen' }) @IsString() @IsNotEmpty() @MaxLength(200)
  department: string;
}

/** A "niet pluis" report by municipal staff about possible undermining crime. */
export class ReceiveInternMeldpuntSignalRequestDto {
  @ApiPropertyOptional({ description: "The sender's own reference; a resend with it gets the same signal id. When given it must have something visible in it (SIGNAL.FIELD_INVALID, reason blank)" })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  externalRef?: string;

  @ApiPropertyOptional({ example: '2026-11-20T10:15:00+01:00' }) @IsOptional() @IsString() @MaxLength(40)
  receivedAt?: string;

  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(20_000)
  description: string;

  @ApiProperty({ type: [String], example: ['contante betalingen', 'wisselende huurders'] })
  @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(200, { each: true })
  indicators: string[];

  @ApiProperty({ type: LocationRequestDto })
  @IsDefined() @IsObject() @ValidateNested() @Type(() => LocationRequestDto)
  location: LocationRequestDto;

  @ApiProperty({ type: InvolvedPartyRequestDto })
  @IsDefined() @IsObject() @ValidateNested() @Type(() => InvolvedPartyRequestDto)
  involved: InvolvedPartyRequestDto;

  @ApiProperty({ type: InternReporterRequestDto })
  @IsDefined() @IsObject() @ValidateNested() @Type(() => InternReporterRequestDto)
  reporter: InternReporterRequestDto;
}
