import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDefined, IsObject, IsIn, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { CanonicalUuid, MinVisibleLength } from '#platform';
import { LEGAL_HOLD_TARGET_KINDS, type LegalHoldTargetKind } from './legal-hold-target.js';

export class LegalHoldTargetDto {
  @ApiProperty({ enum: LEGAL_HOLD_TARGET_KINDS, description: 'A hold on a case covers its signals; on a subject, its linked signals' })
  @IsIn(LEGAL_HOLD_TARGET_KINDS)
  kind!: LegalHoldTargetKind;

  @ApiProperty({ format: 'uuid', description: 'Id of the subject, signal or case' })
  @CanonicalUuid() @IsUUID()
  id!: string;
}

/** `POST /v1/legal-holds`: what is held and why. */
export class PlaceLegalHoldRequestDto {
  @ApiProperty({ type: LegalHoldTargetDto })
  @IsDefined() @IsObject() @ValidateNested() @Type(() => LegalHoldTargetDto)
  target!: LegalHoldTargetDto;

  @ApiProperty({ description: 'Why the data must be kept (e.g. a criminal investigation, an objection procedure, with its reference; no personal data); at least 10 visible characters, at most 1000', minLength: 10, maxLength: 1000 })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)) @IsString() @MinVisibleLength(10) @MaxLength(1000)
  reason!: string;
}
