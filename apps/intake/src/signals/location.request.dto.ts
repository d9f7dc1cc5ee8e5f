import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Where a signal is about. The municipality's CBS code is checked by the intake rules (`SIGNAL.MUNICIPALITY_INVALID`). */
export class LocationRequestDto {
  @ApiProperty({ example: 'GM0153', description: 'CBS municipality code (GMxxxx) of the municipality that owns the signal' })
  @IsString() @MaxLength(6)
  municipality: string;

  @ApiPropertyOptional({ example: 'Marktstraat 1' })
  @IsOptional() @IsString() @MaxLength(200)
  address?: string;

  @ApiPropertyOptional({ example: '7511 AA' })
  @IsOptional() @IsString() @MaxLength(10)
  postcode?: string;

  @ApiPropertyOptional({ example: 'Binnenstad' })
  @IsOptional() @IsString() @MaxLength(200)
  area?: string;
}
