import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { SUBJECT_KINDS, type SubjectKind } from '#domain';

/**
 * A subject to register. Which fields a kind needs and may carry is a domain rule (`decideRegisterSubject`):
 * a person needs a name, an address an address, a business a name or KvK number, a youth group a group name;
 * BSN and birth date are for persons only.
 */
export class RegisterSubjectRequestDto {
  @ApiProperty({ enum: SUBJECT_KINDS })
  @IsIn(SUBJECT_KINDS as readonly string[])
  kind: SubjectKind;

  @ApiProperty({ example: 'GM0153', description: 'CBS code of the municipality the subject is registered in' })
  @IsString() @Matches(/^GM\d{4}$/)
  municipality: string;

  @ApiPropertyOptional({ example: 'J. de Vries' }) @IsOptional() @IsString() @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: '1980-05-17', description: 'Persons only' }) @IsOptional() @IsString() @MaxLength(10)
  birthDate?: string;

  @ApiPropertyOptional({ example: '111222333', description: 'Persons only; 8 or 9 digits passing the 11-proef' })
  @IsOptional() @IsString() @MaxLength(9)
  bsn?: string;

  @ApiPropertyOptional({ example: 'Dorpsstraat 2' }) @IsOptional() @IsString() @MaxLength(200)
  address?: string;

  @ApiPropertyOptional({ example: '7511 AA' }) @IsOptional() @IsString() @MaxLength(10)
  postcode?: string;

  @ApiPropertyOptional({ example: '12345678', description: 'Businesses only' }) @IsOptional() @IsString() @MaxLength(20)
  kvkNumber?: string;

  @ApiPropertyOptional({ example: 'De Hangplek', description: 'Youth groups only' }) @IsOptional() @IsString() @MaxLength(200)
  groupName?: string;
}
