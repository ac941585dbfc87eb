using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class InputConditionAtUpload : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DetectedCondition",
                table: "Images",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "DetectedJpegQuality",
                table: "Images",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "DetectedNoiseSigma",
                table: "Images",
                type: "REAL",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DetectedCondition",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "DetectedJpegQuality",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "DetectedNoiseSigma",
                table: "Images");
        }
    }
}
