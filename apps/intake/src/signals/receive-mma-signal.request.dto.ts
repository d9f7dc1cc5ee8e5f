import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsIn, IsNotEmpty, IsString, MaxLength, ValidateNested } from 'class-validator';
import { MMA_THEMES, type MmaTheme } from '#domain';
import { LocationRequestDto } from './location.request.dto.js';

/** An anonymous tip forwarded by Meld Misdaad Anoniem. There is deliberately no reporter field. */
export class ReceiveMmaSignalRequestDto {
  @ApiProperty({ example: 'MMA-2026-000123', description: 'MMA reference; a resend with the same reference gets the same signal id' })
  @IsString() @IsNotEmpty() @MaxLength(100)
  externalRef: string;

  @ApiProperty({ example: '2026-11-20T10:15:00+01:00', description: 'When MMA received the tip (ISO 8601 with offset); not in the future' })
  @IsString() @MaxLength(40)
  receivedAt: string;

  @ApiProperty({ enum: MMA_THEMES })
  @IsIn(MMA_THEMES as readonly string[])
  theme: MmaTheme;

  @ApiProperty({ example: 'Er wordt vermoedelijk een hennepkwekerij gerund op zolder.' })
  @IsString() @IsNotEmpty() @MaxLength(20_000)
  description: string;

  @ApiProperty({ type: LocationRequestDto })
  @IsDefined() @IsObject() @ValidateNested() @Type(() => LocationRequestDto)
  location: LocationRequestDto;
}
