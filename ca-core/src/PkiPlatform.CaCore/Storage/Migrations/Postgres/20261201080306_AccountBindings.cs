using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PkiPlatform.CaCore.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AccountBindings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "account",
                table: "ra_requests",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "subject_key",
                table: "ra_requests",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "submitted_with",
                table: "ra_requests",
                type: "text",
                nullable: true);

            migrationBuilder.AlterColumn<int>(
                name: "role",
                table: "ra_accounts",
                type: "integer",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "integer");

            migrationBuilder.AlterColumn<string>(
                name: "identity",
                table: "ra_accounts",
                type: "character varying(128)",
                maxLength: 128,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "text");

            migrationBuilder.AddColumn<int>(
                name: "kind",
                table: "ra_accounts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "organization",
                table: "ra_accounts",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "staff_id",
                table: "ra_accounts",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "subject_dn",
                table: "ra_accounts",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "subject_key",
                table: "ra_accounts",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "unit",
                table: "ra_accounts",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "account_certificates",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    account_id = table.Column<int>(type: "integer", nullable: false),
                    certificate_id = table.Column<long>(type: "bigint", nullable: false),
                    spki_sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    bound_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    bound_by = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_account_certificates", x => x.id);
                    table.ForeignKey(
                        name: "FK_account_certificates_certificates_certificate_id",
                        column: x => x.certificate_id,
                        principalTable: "certificates",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_account_certificates_ra_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "ra_accounts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ra_accounts_staff_id",
                table: "ra_accounts",
                column: "staff_id");

            migrationBuilder.CreateIndex(
                name: "IX_ra_accounts_subject_key",
                table: "ra_accounts",
                column: "subject_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_account_certificates_account_id",
                table: "account_certificates",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "IX_account_certificates_certificate_id",
                table: "account_certificates",
                column: "certificate_id",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "account_certificates");

            migrationBuilder.DropIndex(
                name: "IX_ra_accounts_staff_id",
                table: "ra_accounts");

            migrationBuilder.DropIndex(
                name: "IX_ra_accounts_subject_key",
                table: "ra_accounts");

            migrationBuilder.DropColumn(
                name: "account",
                table: "ra_requests");

            migrationBuilder.DropColumn(
                name: "subject_key",
                table: "ra_requests");

            migrationBuilder.DropColumn(
                name: "submitted_with",
                table: "ra_requests");

            migrationBuilder.DropColumn(
                name: "kind",
                table: "ra_accounts");

            migrationBuilder.DropColumn(
                name: "organization",
                table: "ra_accounts");

            migrationBuilder.DropColumn(
                name: "staff_id",
                table: "ra_accounts");

            migrationBuilder.DropColumn(
                name: "subject_dn",
                table: "ra_accounts");

            migrationBuilder.DropColumn(
                name: "subject_key",
                table: "ra_accounts");

            migrationBuilder.DropColumn(
                name: "unit",
                table: "ra_accounts");

            migrationBuilder.AlterColumn<int>(
                name: "role",
                table: "ra_accounts",
                type: "integer",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "integer",
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "identity",
                table: "ra_accounts",
                type: "text",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(128)",
                oldMaxLength: 128);
        }
    }
}
